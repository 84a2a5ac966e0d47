using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Upsonic.Memory.Tool.Transfer;

/// <summary>
/// The checksum of one session: SHA-256 over its export lines as written (the <c>session</c> line, every <c>run</c> line, every
/// <c>message</c> line, each followed by <c>\n</c>). Two stores hold the same session, record by record, exactly when the
/// checksums of their copies agree; an export file's <c>session_end</c> line carries it, so a file can be checked by hashing
/// its lines. Computed incrementally: memory does not grow with the session.
/// </summary>
internal sealed class SessionChecksum : IDisposable
{
    private static readonly byte[] NewLine = [(byte)'\n'];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>How many run lines were added.</summary>
    public long Runs { get; private set; }

    /// <summary>How many message lines were added.</summary>
    public long Messages { get; private set; }

    /// <summary>Adds a line (given as the text written to the file).</summary>
    public void Add(string lineText, string kind)
    {
        _hash.AppendData(Encoding.UTF8.GetBytes(lineText));
        _hash.AppendData(NewLine);
        if (kind == ExportFormat.Run)
        {
            Runs++;
        }
        else if (kind == ExportFormat.Message)
        {
            Messages++;
        }
    }

    /// <summary>Adds a line object, returning its text.</summary>
    public string Add(JsonObject line)
    {
        var text = ExportFormat.Text(line);
        Add(text, (string)line["kind"]!);
        return text;
    }

    /// <summary>The counts and the digest so far (the hash cannot be extended afterwards).</summary>
    public SessionDigest Finish() => new(Runs, Messages, "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset()));

    /// <inheritdoc/>
    public void Dispose() => _hash.Dispose();
}
