using System.Globalization;
using System.Text;

namespace Upsonic.Storage.Mongo;

/// <summary>
/// Reversible escaping of user-chosen keys (metadata, profile traits, session data) into BSON field names.
/// </summary>
/// <remarks>
/// MongoDB reads <c>.</c> in an update path as nesting and a leading <c>$</c> as an operator, and BSON field names cannot hold
/// NUL. So every key of a free-form map is escaped before it becomes a field name: <c>%</c> becomes <c>%25</c>, <c>.</c> becomes
/// <c>%2E</c>, NUL becomes <c>%00</c>, a leading <c>$</c> becomes <c>%24</c>, and the empty key becomes a lone <c>%</c> (no other
/// key escapes to that). Escaping is injective, so distinct keys never collide and every key reads back exactly.
/// </remarks>
internal static class FieldNames
{
    private const string EmptyKey = "%";

    /// <summary>The field name that stores <paramref name="key"/>.</summary>
    public static string Escape(string key)
    {
        if (key.Length == 0)
        {
            return EmptyKey;
        }

        if (key.AsSpan().IndexOfAny("%.\0$") < 0)
        {
            return key;
        }

        var builder = new StringBuilder(key.Length + 8);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            switch (c)
            {
                case '%': builder.Append("%25"); break;
                case '.': builder.Append("%2E"); break;
                case '\0': builder.Append("%00"); break;
                case '$' when i == 0: builder.Append("%24"); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>The key that <paramref name="fieldName"/> stores (the inverse of <see cref="Escape"/>).</summary>
    public static string Unescape(string fieldName)
    {
        if (fieldName == EmptyKey)
        {
            return string.Empty;
        }

        if (!fieldName.Contains('%', StringComparison.Ordinal))
        {
            return fieldName;
        }

        var builder = new StringBuilder(fieldName.Length);
        for (var i = 0; i < fieldName.Length; i++)
        {
            if (fieldName[i] == '%' && i + 2 < fieldName.Length
                && int.TryParse(fieldName.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 2;
            }
            else
            {
                builder.Append(fieldName[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>The dotted update path of <paramref name="key"/> inside the sub-document <paramref name="parent"/>.</summary>
    public static string Path(string parent, string key) => parent + "." + Escape(key);
}
