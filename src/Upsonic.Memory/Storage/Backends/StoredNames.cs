using System.Diagnostics.CodeAnalysis;

namespace Upsonic.Storage.Backends;

/// <summary>How enums are written in storage: session types lower-case (<c>"agent"</c>), run statuses upper-case (<c>"COMPLETED"</c>), as upstream.</summary>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class StoredNames
{
    /// <summary>The stored name of a session type.</summary>
    public static string Of(SessionType type) => type switch
    {
        SessionType.Agent => "agent",
        SessionType.Team => "team",
        SessionType.Workflow => "workflow",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Unknown stored values read back as <see cref="SessionType.Agent"/>, as upstream does.</summary>
    public static SessionType ParseSessionType(string? value) => value switch
    {
        "team" => SessionType.Team,
        "workflow" => SessionType.Workflow,
        _ => SessionType.Agent,
    };

    /// <summary>The stored name of a run status.</summary>
    public static string Of(RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Completed => "COMPLETED",
        RunStatus.Paused => "PAUSED",
        RunStatus.Cancelled => "CANCELLED",
        RunStatus.Error => "ERROR",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Reads a stored run status; an unknown one is a <see cref="StorageException"/> naming the run.</summary>
    public static RunStatus ParseRunStatus(string? value, string recordId) => value switch
    {
        "RUNNING" => RunStatus.Running,
        "COMPLETED" => RunStatus.Completed,
        "PAUSED" => RunStatus.Paused,
        "CANCELLED" => RunStatus.Cancelled,
        "ERROR" => RunStatus.Error,
        _ => throw new StorageException($"Stored run '{recordId}' has an unknown status '{value}'.", null, "ReadRun", recordId),
    };
}
