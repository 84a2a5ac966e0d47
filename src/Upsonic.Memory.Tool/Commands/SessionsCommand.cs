using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;
using Upsonic.Memory.Tool.Transfer;
using Upsonic.Storage;

namespace Upsonic.Memory.Tool.Commands;

/// <summary><c>sessions list</c> and <c>sessions show &lt;id&gt;</c>.</summary>
internal static class SessionsCommand
{
    public static Command Create()
    {
        var command = new Command("sessions", "List sessions, or show one session's head, summary and last turns.");
        command.Add(List());
        command.Add(Show());
        return command;
    }

    private static Command List()
    {
        var storage = StoreOptions.Option(StorageRole.Storage, "The store to read");
        var user = new Option<string?>("--user") { Description = "Only sessions of this user id" };
        var agent = new Option<string?>("--agent") { Description = "Only sessions of this agent id" };
        var type = new Option<SessionType?>("--type") { Description = "Only sessions of this type (Agent, Team, Workflow)" };
        var limit = new Option<int>("--limit") { Description = "The most sessions to show", DefaultValueFactory = _ => 20 };
        var offset = new Option<int>("--offset") { Description = "How many matching sessions to skip (paging)", DefaultValueFactory = _ => 0 };
        var sort = new Option<RecordSortField>("--sort") { Description = "Order by CreatedAt or UpdatedAt", DefaultValueFactory = _ => RecordSortField.CreatedAt };
        var order = new Option<SortOrder>("--order") { Description = "Ascending or Descending", DefaultValueFactory = _ => SortOrder.Descending };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        limit.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--limit must be at least 1."); } });
        offset.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) { r.AddError("--offset must not be negative."); } });

        var command = new Command("list", "List sessions (newest first), with filters and paging.") { storage, user, agent, type, limit, offset, sort, order, json };
        command.SetAction(async (parse, ct) =>
        {
            var location = StoreOptions.Resolve(parse, storage, StorageRole.Storage);
            await using var store = StorageOpener.Open(location, mustExist: true);
            var query = new SessionQuery
            {
                UserId = parse.GetValue(user),
                AgentId = parse.GetValue(agent),
                SessionType = parse.GetValue(type),
                Limit = parse.GetValue(limit),
                Offset = parse.GetValue(offset),
                SortBy = parse.GetValue(sort),
                SortOrder = parse.GetValue(order),
            };
            // Heads only (the paging API), and each listed session's row counts: a long session's messages are never read.
            var page = await SessionHeads.ListAsync(store, query, ct).ConfigureAwait(false);
            var counts = new List<SessionRowCounts?>();
            foreach (var session in page.Items)
            {
                counts.Add(await store.CountSessionRowsAsync(session.SessionId, ct).ConfigureAwait(false));
            }

            if (parse.GetValue(json))
            {
                var items = new JsonArray();
                foreach (var (session, count) in page.Items.Zip(counts))
                {
                    var head = RecordJson.Head(session);
                    head["run_count"] = count?.Runs ?? 0;
                    head["message_count"] = count?.HistoryMessages ?? 0;
                    items.Add(head);
                }

                JsonOutput.Write(new JsonObject { ["total"] = page.Total, ["offset"] = query.Offset, ["sessions"] = items });
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Session", "User", "Agent", "Type", "Runs", "Messages", "Created", "Updated");
            foreach (var (s, count) in page.Items.Zip(counts))
            {
                table.AddRow(Cell(s.SessionId), Cell(s.UserId), Cell(s.AgentId), Cell(StoredNames.Of(s.SessionType)),
                    Cell(Count(count?.Runs ?? 0)), Cell(Count(count?.HistoryMessages ?? 0)), Cell(RecordJson.Time(s.CreatedAt)), Cell(RecordJson.Time(s.UpdatedAt)));
            }

            ToolConsole.Out.Write(table);
            var first = page.Items.Count == 0 ? 0 : query.Offset!.Value + 1;
            ToolConsole.Line($"sessions {first}-{query.Offset!.Value + page.Items.Count} of {page.Total}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show()
    {
        var storage = StoreOptions.Option(StorageRole.Storage, "The store to read");
        var id = new Argument<string>("session-id") { Description = "The session's id" };
        var last = new Option<int>("--last") { Description = "How many of the most recent turns to show (0: head only)", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        last.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) { r.AddError("--last must not be negative."); } });

        var command = new Command("show", "Show a session: head, summary, metadata, usage and its last N turns.") { id, storage, last, json };
        command.SetAction(async (parse, ct) =>
        {
            var location = StoreOptions.Resolve(parse, storage, StorageRole.Storage);
            var sessionId = parse.GetValue(id)!;
            await using var store = StorageOpener.Open(location, mustExist: true);
            var window = await store.LoadSessionWindowAsync(sessionId, parse.GetValue(last), ct).ConfigureAwait(false)
                ?? throw new ToolException($"{location.Display}: no session '{sessionId}'.");
            if (parse.GetValue(json))
            {
                var turns = new JsonArray();
                foreach (var turn in window.Turns)
                {
                    var messages = new JsonArray();
                    foreach (var message in turn.Messages)
                    {
                        messages.Add(RecordJson.Message(message));
                    }

                    turns.Add(new JsonObject { ["turn"] = turn.Turn, ["run_id"] = turn.RunId, ["messages"] = messages });
                }

                var head = RecordJson.Head(window.Session);
                head["turns"] = turns;
                JsonOutput.Write(head);
                return ExitCodes.Success;
            }

            var s = window.Session;
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow(Cell("Session"), Cell(s.SessionId));
            grid.AddRow(Cell("Type"), Cell(StoredNames.Of(s.SessionType)));
            grid.AddRow(Cell("User"), Cell(s.UserId));
            grid.AddRow(Cell("Agent"), Cell(s.AgentId));
            grid.AddRow(Cell("Team / workflow"), Cell($"{s.TeamId ?? "-"} / {s.WorkflowId ?? "-"}"));
            grid.AddRow(Cell("Created"), Cell(RecordJson.Time(s.CreatedAt)));
            grid.AddRow(Cell("Updated"), Cell(RecordJson.Time(s.UpdatedAt)));
            grid.AddRow(Cell("Usage"), Cell(s.Usage is null ? null : $"{s.Usage.InputTokenCount ?? 0} in, {s.Usage.OutputTokenCount ?? 0} out, {s.Usage.TotalTokenCount ?? 0} total"));
            grid.AddRow(Cell("Metadata"), Cell(s.Metadata?.ToJsonString()));
            grid.AddRow(Cell("Summary"), Cell(s.Summary is null ? null : $"{s.Summary} (through turn {s.SummaryWatermark})"));
            ToolConsole.Out.Write(grid);
            ToolConsole.Line("");
            ToolConsole.Line(window.Turns.Count == 0 ? "No turns shown." : $"Last {window.Turns.Count} turn(s):");
            foreach (var turn in window.Turns)
            {
                ToolConsole.Line($"-- turn {turn.Turn}{(turn.RunId is null ? "" : " (run " + turn.RunId + ")")}");
                foreach (var message in turn.Messages)
                {
                    ToolConsole.Line($"   {message.Role.Value}: {Describe(message)}");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string Describe(Microsoft.Extensions.AI.ChatMessage message)
    {
        var text = message.Text;
        var others = message.Contents.Count(c => c is not Microsoft.Extensions.AI.TextContent);
        return others == 0 ? text : $"{text} [+{others} non-text content item(s)]";
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A table cell: user data is never read as Spectre markup.</summary>
    internal static Text Cell(string? value) => new(Redactor.Redact(value ?? "-"));
}
