namespace Upsonic.AgentFramework;

/// <summary>The state key rule both providers share: null means the provider's default, blank is a mistake.</summary>
internal static class StateKeyOption
{
    public static string Resolve(string? configured, string defaultKey, string paramName)
    {
        if (configured is not null && string.IsNullOrWhiteSpace(configured))
        {
            throw new ArgumentException("StateKey must be null (the default key) or a non-empty string.", paramName);
        }

        return configured ?? defaultKey;
    }
}
