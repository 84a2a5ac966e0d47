using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster owned by one test: <c>initdb</c> into a temporary directory, started and stopped with
/// <c>pg_ctl</c> on a free loopback port, so a test can take the server away and bring it back. As root, the server binaries run
/// as the <c>postgres</c> OS user (PostgreSQL refuses to run as root).
/// </summary>
internal sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;
    private readonly string _dataDirectory;
    private bool _running;

    private PrivateCluster(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        _dataDirectory = Path.Combine(directory, "data");
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection string for the cluster's superuser (trust auth on 127.0.0.1).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5";

    /// <summary>Creates and starts a cluster; skips (fails under CI=true) when the PostgreSQL binaries are not installed.</summary>
    public static async Task<PrivateCluster> StartNewAsync()
    {
        var bin = FindBinaries();
        if (bin is null)
        {
            const string reason = "PostgreSQL server binaries (initdb, pg_ctl) were not found: install the 'postgresql' package or set PG_BIN.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(reason);
            }

            Assert.Skip(reason);
        }

        var directory = Directory.CreateTempSubdirectory("upsonic-pg-fault-").FullName;
        var cluster = new PrivateCluster(bin, directory, FreePort());
        Directory.CreateDirectory(cluster._dataDirectory);
        if (IsRoot)
        {
            await RunAsync("chown", "-R", "postgres:", directory);
        }

        await cluster.AsOwnerAsync("initdb", "-D", cluster._dataDirectory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8");
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>Starts the server on <see cref="Port"/>; returns when it accepts connections (pg_ctl -w).</summary>
    public async Task StartAsync()
    {
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c shared_buffers=16MB";
        await AsOwnerAsync("pg_ctl", "-D", _dataDirectory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "-o", options, "start");
        _running = true;
    }

    /// <summary>Stops the server (fast shutdown: open connections are terminated); returns when it is down.</summary>
    public async Task StopAsync()
    {
        await AsOwnerAsync("pg_ctl", "-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop");
        _running = false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            await StopAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task AsOwnerAsync(string tool, params string[] arguments) =>
        IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
            : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        }

        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
