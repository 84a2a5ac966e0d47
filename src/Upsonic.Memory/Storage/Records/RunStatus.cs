namespace Upsonic.Storage;

/// <summary>The state of an agent run. Stored as the upper-case name (<c>"COMPLETED"</c>, ...), as upstream does.</summary>
public enum RunStatus
{
    /// <summary>The run is in progress.</summary>
    Running,

    /// <summary>The run finished normally.</summary>
    Completed,

    /// <summary>The run stopped to wait for a person (tool approval, external tool, user input). Resumable.</summary>
    Paused,

    /// <summary>The run was cancelled. Resumable.</summary>
    Cancelled,

    /// <summary>The run failed. Resumable.</summary>
    Error,
}
