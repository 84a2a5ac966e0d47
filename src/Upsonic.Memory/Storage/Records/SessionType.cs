namespace Upsonic.Storage;

/// <summary>The kind of owner a session belongs to. Stored as the lower-case name (<c>"agent"</c>, <c>"team"</c>, <c>"workflow"</c>).</summary>
public enum SessionType
{
    /// <summary>A session of a single agent (the only kind <see cref="Memory"/> writes).</summary>
    Agent,

    /// <summary>A session of a team of agents.</summary>
    Team,

    /// <summary>A session of a workflow.</summary>
    Workflow,
}
