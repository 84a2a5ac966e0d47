using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Upsonic.Memory.Tool.Doctor;
using Upsonic.Memory.Tool.Locations;
using Upsonic.Memory.Tool.Output;

namespace Upsonic.Memory.Tool.Commands;

/// <summary>
/// <c>doctor</c>: is the store reachable, do its tables exist, which schema version and indexes it has (read from the engine),
/// and how long one round trip takes. Reads only; creates nothing.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var storage = StoreOptions.Option(StorageRole.Storage, "The store to check");
        var command = new Command("doctor", "Check a store: reachability, tables, schema version, indexes, one timed round trip.") { storage };
        command.SetAction(async (parse, ct) =>
        {
            var location = StoreOptions.Resolve(parse, storage, StorageRole.Storage);
            await using var store = StorageOpener.Open(location, mustExist: true);
            var checks = new List<DoctorCheck>();

            var clock = Stopwatch.StartNew();
            var exists = await store.TableExistsAsync(store.SessionTable, ct).ConfigureAwait(false);
            checks.Add(new DoctorCheck("reachable", true, $"{location.Display} answered in {Milliseconds(clock.Elapsed)}"
                + (exists ? "" : $" (no {store.SessionTable} yet: created by the first write)")));

            var schema = await store.DescribeSchemaAsync(ct).ConfigureAwait(false);
            checks.Add(new DoctorCheck("schema version", schema.SchemaVersion == schema.ExpectedSchemaVersion,
                schema.ExpectedSchemaVersion is null ? "none stored by this backend"
                    : $"{(schema.SchemaVersion is { } v ? v.ToString(CultureInfo.InvariantCulture) : "none")} stored, {schema.ExpectedSchemaVersion} expected"));
            foreach (var group in schema.Objects.GroupBy(o => o.Kind))
            {
                var missing = group.Where(o => !o.Exists).Select(o => o.Name).ToList();
                checks.Add(new DoctorCheck(Plural(group.Key), missing.Count == 0,
                    missing.Count == 0 ? $"all {group.Count()} present" : $"{group.Count() - missing.Count} of {group.Count()} present; missing: {string.Join(", ", missing)}"));
            }

            clock.Restart();
            _ = await store.LoadSessionWindowAsync("upsonic-memory-doctor-probe", 1, ct).ConfigureAwait(false);
            checks.Add(new DoctorCheck("round trip", true, $"one session-window read took {Milliseconds(clock.Elapsed)}"));

            var report = new Table().AddColumns("Check", "Result", "Detail");
            foreach (var check in checks)
            {
                report.AddRow(SessionsCommand.Cell(check.Name), SessionsCommand.Cell(check.Ok ? "ok" : "PROBLEM"), SessionsCommand.Cell(check.Detail));
            }

            ToolConsole.Out.Write(report);
            var ok = checks.All(c => c.Ok);
            ToolConsole.Line(ok ? "healthy" : "problems found");
            return ok ? ExitCodes.Success : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static string Plural(string kind) => kind switch
    {
        "index" => "indexes",
        "directory" => "directories",
        _ => kind + "s",
    };

    private static string Milliseconds(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
