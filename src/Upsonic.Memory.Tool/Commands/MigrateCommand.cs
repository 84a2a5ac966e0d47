using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;
using Upsonic.Memory.Tool.Transfer;

namespace Upsonic.Memory.Tool.Commands;

/// <summary><c>migrate --from URI --to URI</c>: copies a store into another, streamed, resumable, verified.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var from = StoreOptions.Option(StorageRole.From, "The store to copy from (only read)");
        var to = StoreOptions.Option(StorageRole.To, "The store to copy into (created when missing)");
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "The checkpoint file that makes an interrupted migrate resumable (default: .upsonic-memory-migrate-<hash>.json in the working directory)" };
        var pageSize = TransferOptions.PageSize();
        var noVerify = TransferOptions.NoVerify("the copy (counts and a checksum per session, every profile and knowledge row)");
        var verbose = new Option<bool>("--verbose") { Description = "Print a line for every copied session" };
        var command = new Command("migrate", "Copy every session, run, message, profile and knowledge row from one store into another, in pages; resumable; verified at the end.")
        {
            from, to, checkpoint, pageSize, noVerify, verbose,
        };
        command.SetAction(async (parse, ct) =>
        {
            var source = StoreOptions.Resolve(parse, from, StorageRole.From);
            var target = StoreOptions.Resolve(parse, to, StorageRole.To);
            if (source.Display == target.Display)
            {
                throw new ToolException($"migrate: --from and --to name the same store ({source.Display})");
            }

            var checkpointPath = parse.GetValue(checkpoint)?.FullName ?? MigrationCheckpoint.DefaultPath(source, target);
            var state = MigrationCheckpoint.Load(checkpointPath, source, target);
            await using var sourceStore = StorageOpener.Open(source, mustExist: true);
            await using var targetStore = StorageOpener.Open(target, mustExist: false);
            await targetStore.EnsureCreatedAsync(ct).ConfigureAwait(false);
            var size = parse.GetValue(pageSize);
            var migrator = new Migrator(new StorePager(sourceStore, size), new StorePager(targetStore, size), state, parse.GetValue(verbose));
            var total = (await sourceStore.GetSessionsAsync(new Upsonic.Storage.SessionQuery { Limit = 0 }, ct).ConfigureAwait(false)).Total;

            ToolConsole.Status(state.Resumed
                ? $"resuming the migration {source.Display} -> {target.Display} ({state.SessionsDone} session(s) already copied, phase {state.Phase}; checkpoint {checkpointPath})"
                : $"migrating {source.Display} -> {target.Display} (checkpoint {checkpointPath})");
            var clock = Stopwatch.StartNew();
            var copied = await TransferProgress.RunAsync("migrate", total, progress => migrator.CopyAsync(progress, ct)).ConfigureAwait(false);
            ToolConsole.Status($"copied {copied} in {Seconds(clock.Elapsed)}");

            if (!parse.GetValue(noVerify))
            {
                var verified = await TransferProgress.RunAsync("verify", total, progress => migrator.VerifyAsync(progress, ct)).ConfigureAwait(false);
                if (migrator.ProblemCount > 0)
                {
                    ToolConsole.Status($"verification FAILED: {migrator.ProblemCount} difference(s); the checkpoint is kept ({checkpointPath}); {PeakMemory.Describe()}");
                    return ExitCodes.CheckFailed;
                }

                ToolConsole.Status($"verified {verified}: identical in {target.Display}");
            }

            state.Delete();
            ToolConsole.Status($"migrate done in {Seconds(clock.Elapsed)}, {PeakMemory.Describe()}");
            return copied.Unreadable > 0 ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
        return command;
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
