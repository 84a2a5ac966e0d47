using System.CommandLine;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;
using Upsonic.Memory.Tool.Transfer;

namespace Upsonic.Memory.Tool.Commands;

/// <summary><c>export</c>: writes a store (or one user's or some sessions' data) in the JSON-lines export format.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var storage = StoreOptions.Option(StorageRole.Storage, "The store to export");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The file to write (default: stdout). Written as <file>.partial and renamed when complete" };
        var user = new Option<string?>("--user") { Description = "Only this user's sessions and profile" };
        var sessions = new Option<string[]>("--session") { Description = "Only this session (repeat for several)", AllowMultipleArgumentsPerToken = false };
        var pageSize = TransferOptions.PageSize();
        var command = new Command("export", "Export sessions (with runs and messages), profiles and knowledge rows as versioned JSON lines, streamed.")
        {
            storage, output, user, sessions, pageSize,
        };
        command.SetAction(async (parse, ct) =>
        {
            var location = StoreOptions.Resolve(parse, storage, StorageRole.Storage);
            var filter = new ExportFilter(parse.GetValue(user), parse.GetValue(sessions) ?? []);
            await using var store = StorageOpener.Open(location, mustExist: true);
            var pager = new StorePager(store, parse.GetValue(pageSize));
            var total = await Exporter.CountAsync(store, filter, ct).ConfigureAwait(false);
            var file = parse.GetValue(output);
            TransferTotals totals;
            if (file is null)
            {
                await using var stdout = new StreamWriter(Console.OpenStandardOutput(), Exporter.FileEncoding);
                totals = await TransferProgress.RunAsync("export", total,
                    progress => Exporter.ExportAsync(pager, location.Kind.ToString().ToLowerInvariant(), filter, stdout, progress, ct)).ConfigureAwait(false);
            }
            else
            {
                var partial = file.FullName + ".partial";
                await using (var writer = new StreamWriter(partial, append: false, Exporter.FileEncoding))
                {
                    totals = await TransferProgress.RunAsync("export", total,
                        progress => Exporter.ExportAsync(pager, location.Kind.ToString().ToLowerInvariant(), filter, writer, progress, ct)).ConfigureAwait(false);
                }

                File.Move(partial, file.FullName, overwrite: true);
            }

            ToolConsole.Status($"exported {totals} from {location.Display}{(file is null ? "" : " to " + file.FullName)}");
            return totals.Unreadable > 0 ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
        return command;
    }
}
