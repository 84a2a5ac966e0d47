using Upsonic.Memory.Tool.Locations;

namespace Upsonic.Memory.Tool.Output;

/// <summary>
/// Every secret of the stores this process opened, so that nothing the tool prints (errors included, whatever a driver put in
/// its message) can show a password.
/// </summary>
internal static class Redactor
{
    private static readonly List<StorageLocation> Locations = [];
    private static readonly Lock Gate = new();

    /// <summary>Remembers a location's secrets.</summary>
    public static void Register(StorageLocation location)
    {
        lock (Gate)
        {
            Locations.Add(location);
        }
    }

    /// <summary>The text with every registered secret replaced by <c>***</c>.</summary>
    public static string Redact(string text)
    {
        lock (Gate)
        {
            foreach (var location in Locations)
            {
                text = location.Redact(text);
            }
        }

        return text;
    }
}
