using System.CommandLine;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;
using Upsonic.Memory.Tool.Transfer;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Commands;

/// <summary><c>forget-user &lt;id&gt;</c>: deletes every session, message, run and the profile of a user (<c>DeleteUserDataAsync</c>).</summary>
internal static class ForgetUserCommand
{
    public static Command Create()
    {
        var storage = StoreOptions.Option(StorageRole.Storage, "The store to erase the user from");
        var id = new Argument<string>("user-id") { Description = "The user's id" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be deleted" };
        var command = new Command("forget-user", "Erase a user: every session of the user (with messages and runs) and the profile.") { id, storage, dryRun };
        command.SetAction(async (parse, ct) =>
        {
            var location = StoreOptions.Resolve(parse, storage, StorageRole.Storage);
            var userId = parse.GetValue(id)!;
            if (string.IsNullOrWhiteSpace(userId))
            {
                throw new ToolException("The user id must not be empty.");
            }

            await using var store = StorageOpener.Open(location, mustExist: true);
            var profile = await store.GetUserMemoryAsync(userId, cancellationToken: ct).ConfigureAwait(false);
            if (parse.GetValue(dryRun))
            {
                // Heads page by page and each session's row counts: no session's messages are read.
                var total = 0L;
                await foreach (var session in SessionHeads.MatchingAsync(store, new SessionQuery { UserId = userId }, ct).ConfigureAwait(false))
                {
                    var counts = await store.CountSessionRowsAsync(session.SessionId, ct).ConfigureAwait(false);
                    ToolConsole.Line($"would delete session {session.SessionId} ({counts?.Runs ?? 0} runs, {counts?.HistoryMessages ?? 0} history messages)");
                    total++;
                }

                ToolConsole.Line($"dry run: would delete {total} session(s) and {(profile is null ? "no profile (none stored)" : "the profile")} of user '{userId}' from {location.Display}");
                return ExitCodes.Success;
            }

            var deleted = await store.DeleteUserDataAsync(userId, ct).ConfigureAwait(false);
            ToolConsole.Line($"deleted {deleted} session(s) and {(profile is null ? "no profile (none stored)" : "the profile")} of user '{userId}' from {location.Display}");
            return ExitCodes.Success;
        });
        return command;
    }
}
