using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Upsonic.Memory.Tool.Locations;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// Where an interrupted <c>migrate</c> resumes: a small JSON file (default <c>.upsonic-memory-migrate-&lt;hash of from and to&gt;.json</c>
/// in the working directory) that names the source and target and records the phase, the cursor of the session-head page being
/// copied and how many of its sessions are fully copied. It is replaced atomically (temporary file + rename) after every
/// session, and deleted when the migration has verified. Its size does not grow with the store.
/// </summary>
/// <remarks>A session cut off by the interruption is copied again from its start: the import API writes by key, so copying
/// it twice leaves exactly one copy of every record.</remarks>
internal sealed class MigrationCheckpoint
{
    private const int FormatVersion = 1;

    private MigrationCheckpoint(string path, string from, string to)
    {
        Path = path;
        From = from;
        To = to;
    }

    /// <summary>The phases, in order.</summary>
    public const string Sessions = "sessions", Profiles = "user_memories", Knowledge = "knowledge", Verify = "verify";

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>The source, as displayed (no password).</summary>
    public string From { get; }

    /// <summary>The target, as displayed (no password).</summary>
    public string To { get; }

    /// <summary>The current phase.</summary>
    public string Phase { get; set; } = Sessions;

    /// <summary>The cursor that reads the session-head page being copied (<see langword="null"/>: the first page).</summary>
    public string? HeadCursor { get; set; }

    /// <summary>How many sessions of that page are fully copied.</summary>
    public int DoneInPage { get; set; }

    /// <summary>How many sessions are fully copied in all.</summary>
    public long SessionsDone { get; set; }

    /// <summary>Whether this checkpoint was read from an earlier, interrupted run.</summary>
    public bool Resumed { get; private set; }

    /// <summary>The default file for a pair of stores.</summary>
    public static string DefaultPath(StorageLocation from, StorageLocation to)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(from.Display + "\n" + to.Display));
        return System.IO.Path.GetFullPath($".upsonic-memory-migrate-{Convert.ToHexStringLower(hash)[..16]}.json");
    }

    /// <summary>Reads the checkpoint at <paramref name="path"/>, or starts a new one when there is none.</summary>
    public static MigrationCheckpoint Load(string path, StorageLocation from, StorageLocation to)
    {
        var checkpoint = new MigrationCheckpoint(path, from.Display, to.Display);
        if (!File.Exists(path))
        {
            return checkpoint;
        }

        JsonObject o;
        try
        {
            o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException ex)
        {
            throw new ToolException($"the checkpoint {path} cannot be read ({ex.Message}); delete it to start the migration over");
        }

        if ((int?)o["version"] != FormatVersion || (string?)o["from"] != from.Display || (string?)o["to"] != to.Display)
        {
            throw new ToolException($"the checkpoint {path} belongs to another migration ({(string?)o["from"]} -> {(string?)o["to"]}); delete it or pass another --checkpoint");
        }

        checkpoint.Phase = (string?)o["phase"] ?? Sessions;
        checkpoint.HeadCursor = (string?)o["head_cursor"];
        checkpoint.DoneInPage = (int?)o["done_in_page"] ?? 0;
        checkpoint.SessionsDone = (long?)o["sessions_done"] ?? 0;
        checkpoint.Resumed = true;
        return checkpoint;
    }

    /// <summary>Writes the checkpoint atomically.</summary>
    public void Save()
    {
        var o = new JsonObject
        {
            ["version"] = FormatVersion,
            ["from"] = From,
            ["to"] = To,
            ["phase"] = Phase,
            ["head_cursor"] = HeadCursor,
            ["done_in_page"] = DoneInPage,
            ["sessions_done"] = SessionsDone,
        };
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, o.ToJsonString());
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Removes the file after a verified migration.</summary>
    public void Delete() => File.Delete(Path);
}
