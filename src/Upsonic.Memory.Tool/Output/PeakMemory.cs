using System.Diagnostics;
using System.Globalization;

namespace Upsonic.Memory.Tool.Output;

/// <summary>The process's peak resident set size (on Linux the kernel's VmHWM), reported at the end of a transfer.</summary>
internal static class PeakMemory
{
    /// <summary>"peak memory N MiB".</summary>
    public static string Describe()
    {
        using var process = Process.GetCurrentProcess();
        var mebibytes = process.PeakWorkingSet64 / (1024.0 * 1024.0);
        return "peak memory " + mebibytes.ToString("0", CultureInfo.InvariantCulture) + " MiB";
    }
}
