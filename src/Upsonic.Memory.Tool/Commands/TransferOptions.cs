using System.CommandLine;
using Upsonic.Memory.Tool.Transfer;

namespace Upsonic.Memory.Tool.Commands;

/// <summary>Options shared by <c>export</c>, <c>import</c> and <c>migrate</c>.</summary>
internal static class TransferOptions
{
    /// <summary><c>--page-size</c>: rows read or written per call (1 to 1000).</summary>
    public static Option<int> PageSize()
    {
        var option = new Option<int>("--page-size")
        {
            Description = $"Rows (runs, messages, profiles) read or written per storage call, 1 to {StorePager.MaxPageSize}; bounds the memory used",
            DefaultValueFactory = _ => StorePager.DefaultPageSize,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > StorePager.MaxPageSize)
            {
                r.AddError($"--page-size must be from 1 to {StorePager.MaxPageSize}.");
            }
        });
        return option;
    }

    /// <summary><c>--no-verify</c>.</summary>
    public static Option<bool> NoVerify(string what) => new("--no-verify") { Description = $"Skip the verification of {what}" };
}
