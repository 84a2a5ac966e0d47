namespace Upsonic.Storage;

/// <summary>Where a window read stood in its session's history: what a caller passes back as <see cref="SessionWindowRequest.Since"/>.</summary>
/// <param name="Epoch">
/// The session's history epoch: a value the storage draws anew whenever the session is created or rewritten through the record
/// API, so a mark never matches a session that was replaced (deleted and created again, or upserted whole) since.
/// </param>
/// <param name="MessageSequence">The highest message sequence stored in the session when the window was read.</param>
public sealed record SessionWindowMark(long Epoch, long MessageSequence);
