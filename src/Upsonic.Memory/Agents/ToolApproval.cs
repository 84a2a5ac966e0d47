namespace Upsonic;

/// <summary>A person's decision about one tool call that a paused run waits on.</summary>
/// <param name="CallId">The <see cref="Microsoft.Extensions.AI.ToolCallContent.CallId"/> of the pending call
/// (see <see cref="AgentTask.PendingToolCalls"/>).</param>
/// <param name="Approved">Whether the tool may run. A rejected call is answered to the model as a failed tool result.</param>
/// <param name="Reason">An optional reason, passed to the model with a rejection.</param>
public sealed record ToolApproval(string CallId, bool Approved, string? Reason = null);
