using System.CommandLine;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;
using Upsonic.Memory.Tool.Transfer;

namespace Upsonic.Memory.Tool.Commands;

/// <summary><c>import</c>: writes an export file into a store; idempotent (importing twice changes nothing).</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var storage = StoreOptions.Option(StorageRole.Storage, "The store to import into (created when missing)");
        var input = new Argument<string>("file") { Description = "The export file, or - for stdin", DefaultValueFactory = _ => "-" };
        var pageSize = TransferOptions.PageSize();
        var noVerify = TransferOptions.NoVerify("each imported session (counts and checksum, read back from the store)");
        var command = new Command("import", "Import an export file: every record with its keys, sequences and timestamps; importing twice changes nothing.")
        {
            input, storage, pageSize, noVerify,
        };
        command.SetAction(async (parse, ct) =>
        {
            var location = StoreOptions.Resolve(parse, storage, StorageRole.Storage);
            var path = parse.GetValue(input)!;
            if (path != "-" && !File.Exists(path))
            {
                throw new ToolException($"import: no such file {path}");
            }

            await using var store = StorageOpener.Open(location, mustExist: false);
            await store.EnsureCreatedAsync(ct).ConfigureAwait(false);
            var importer = new Importer(new StorePager(store, parse.GetValue(pageSize)), parse.GetValue(pageSize), verify: !parse.GetValue(noVerify));
            using var reader = path == "-"
                ? new StreamReader(Console.OpenStandardInput(), Exporter.FileEncoding)
                : new StreamReader(path, Exporter.FileEncoding);
            var totals = await TransferProgress.RunAsync("import", 0, progress => importer.ImportAsync(reader, progress, ct)).ConfigureAwait(false);
            if (importer.Problems.Count > 0)
            {
                ToolConsole.Status($"imported {totals} into {location.Display}, but {importer.Problems.Count} session(s) did not verify");
                return ExitCodes.CheckFailed;
            }

            ToolConsole.Status($"imported {totals} into {location.Display}{(parse.GetValue(noVerify) ? "" : ", every session verified")}");
            return ExitCodes.Success;
        });
        return command;
    }
}
