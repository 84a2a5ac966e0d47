using System.CommandLine;
using Spectre.Console;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;
using Upsonic.Memory.Tool.Transfer;

namespace Upsonic.Memory.Tool.Commands;

/// <summary><c>users show &lt;id&gt;</c>: a user's profile.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "Show user profiles (what user analysis memory extracted).");
        var storage = StoreOptions.Option(StorageRole.Storage, "The store to read");
        var id = new Argument<string>("user-id") { Description = "The user's id" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var show = new Command("show", "Show a user's profile: every trait, with when it was first and last written.") { id, storage, json };
        show.SetAction(async (parse, ct) =>
        {
            var location = StoreOptions.Resolve(parse, storage, StorageRole.Storage);
            var userId = parse.GetValue(id)!;
            await using var store = StorageOpener.Open(location, mustExist: true);
            var memory = await store.GetUserMemoryAsync(userId, cancellationToken: ct).ConfigureAwait(false)
                ?? throw new ToolException($"{location.Display}: no profile for user '{userId}'.");
            if (parse.GetValue(json))
            {
                JsonOutput.Write(RecordJson.UserMemory(memory));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Trait", "Value");
            foreach (var trait in memory.Profile)
            {
                table.AddRow(SessionsCommand.Cell(trait.Key), SessionsCommand.Cell(trait.Value?.ToJsonString() ?? "null"));
            }

            ToolConsole.Out.Write(table);
            ToolConsole.Line($"user {memory.UserId}, agent {memory.AgentId ?? "-"}, team {memory.TeamId ?? "-"}, "
                + $"created {RecordJson.Time(memory.CreatedAt) ?? "-"}, updated {RecordJson.Time(memory.UpdatedAt) ?? "-"}");
            return ExitCodes.Success;
        });
        command.Add(show);
        return command;
    }
}
