namespace Upsonic.Storage.Mem0;

/// <summary>Which Mem0 REST API a <see cref="Mem0Storage"/> talks to.</summary>
public enum Mem0Deployment
{
    /// <summary>The hosted platform (<c>https://api.mem0.ai</c> by default): <c>Authorization: Token</c>, <c>/v1/memories/</c>, <c>/v2/memories/</c> with filters.</summary>
    Platform,

    /// <summary>A self-hosted Mem0 REST server (<c>/memories</c>); an optional <c>X-API-Key</c>; metadata filters applied by this client.</summary>
    SelfHosted,
}
