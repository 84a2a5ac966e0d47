using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Upsonic.Storage.Backends;

/// <summary>
/// The keyset position behind a <see cref="StorePage{T}.NextCursor"/>: which listing it belongs to, the key of the last record
/// read (a session, user or knowledge id; for a session's messages and runs the session id), and a number (the last sequence, or
/// a backend's own secondary key such as an index score; 0 when unused).
/// </summary>
/// <remarks>
/// The text form is <c>listing.position.base64url(key)</c>: opaque to callers, checked by <see cref="StorageBase"/> before any I/O
/// (<see cref="Decode"/>), so a cursor of another listing or session, or an edited one, is an <see cref="ArgumentException"/>.
/// </remarks>
/// <param name="Listing">The listing: <see cref="Sessions"/>, <see cref="Messages"/>, <see cref="Runs"/>, <see cref="UserMemories"/> or <see cref="Knowledge"/>.</param>
/// <param name="Key">The key of the last record read.</param>
/// <param name="Position">The number of the last record read (sequence or the backend's secondary key).</param>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public sealed record PageCursor(string Listing, string Key, long Position)
{
    /// <summary>The listing of session heads.</summary>
    public const string Sessions = "sessions";

    /// <summary>The listing of one session's message rows (key: the session id, position: the last sequence).</summary>
    public const string Messages = "messages";

    /// <summary>The listing of one session's run rows (key: the session id, position: the last run sequence).</summary>
    public const string Runs = "runs";

    /// <summary>The listing of user memories.</summary>
    public const string UserMemories = "user_memories";

    /// <summary>The listing of knowledge rows.</summary>
    public const string Knowledge = "knowledge";

    /// <summary>The cursor's text form.</summary>
    public string Encode() =>
        string.Create(CultureInfo.InvariantCulture, $"{Listing}.{Position}.{Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}");

    /// <summary>Reads a cursor of <paramref name="listing"/>: null for none; anything that is not a cursor of that listing is an <see cref="ArgumentException"/>.</summary>
    /// <param name="cursor">The text a caller passed.</param>
    /// <param name="listing">The listing the member reads.</param>
    /// <param name="parameterName">The parameter to name in the exception.</param>
    public static PageCursor? Decode(string? cursor, string listing, string parameterName)
    {
        if (cursor is null)
        {
            return null;
        }

        var parts = cursor.Split('.');
        if (parts.Length != 3 || parts[0] != listing
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var position)
            || !TryDecodeKey(parts[2], out var key))
        {
            throw new ArgumentException($"The cursor is not a cursor of the {listing} listing: pass null or a NextCursor this listing returned.", parameterName);
        }

        return new PageCursor(listing, key, position);
    }

    /// <summary>Reads a cursor of one session's <paramref name="listing"/> (messages or runs): the sequence after which to read (0 for none).</summary>
    /// <exception cref="ArgumentException">The cursor is not one of this listing, or belongs to another session.</exception>
    public static long DecodeSequence(string? cursor, string listing, string sessionId, string parameterName)
    {
        var decoded = Decode(cursor, listing, parameterName);
        if (decoded is null)
        {
            return 0;
        }

        if (decoded.Key != sessionId || decoded.Position < 0)
        {
            throw new ArgumentException($"The cursor belongs to another session's {listing} listing.", parameterName);
        }

        return decoded.Position;
    }

    private static bool TryDecodeKey(string text, out string key)
    {
        key = "";
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var bytes = new byte[base64.Length];
        if (text.Length == 0 || !Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        try
        {
            key = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
            return key.Length > 0;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
