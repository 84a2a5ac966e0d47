using System.Security.Cryptography;
using System.Text;

namespace Upsonic.Storage;

/// <summary>File names and whole-file writes of <see cref="JsonStorage"/>: write to a temporary file, flush, rename over.</summary>
internal static class JsonFiles
{
    /// <summary>The file-name key of a record id: the SHA-256 of its UTF-8 bytes, lower-case hex (safe on every file system).</summary>
    public static string Key(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    public static string SessionLog(string directory, string sessionId) => Path.Combine(directory, Key(sessionId) + ".log.jsonl");

    public static string SessionHead(string directory, string sessionId) => Path.Combine(directory, Key(sessionId) + ".head.json");

    /// <summary>The head file next to a session log.</summary>
    public static string SessionHeadOfLog(string logPath) => string.Concat(logPath.AsSpan(0, logPath.Length - ".log.jsonl".Length), ".head.json");

    public static string Record(string directory, string id) => Path.Combine(directory, Key(id) + ".json");

    /// <summary>Creates a directory readable by its owner only (on Unix); an existing one is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> atomically: readers and crashes see the old or the new file.</summary>
    public static void ReplaceAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The whole file, or null when it does not exist.</summary>
    public static byte[]? ReadIfExists(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The files of a directory with the given suffix (none when the directory does not exist yet).</summary>
    public static IEnumerable<string> List(string directory, string suffix) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*" + suffix) : [];
}
