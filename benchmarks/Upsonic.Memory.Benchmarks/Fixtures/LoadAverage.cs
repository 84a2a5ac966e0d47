namespace Upsonic.Benchmarks.Fixtures;

/// <summary>The machine's load average (Linux /proc/loadavg: 1, 5 and 15 minutes), recorded with every run.</summary>
public static class LoadAverage
{
    /// <summary>The first three fields of /proc/loadavg, or "unknown" where it does not exist.</summary>
    public static string Read() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
