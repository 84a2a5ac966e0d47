namespace Upsonic.Memory.Tool.Transfer;

/// <summary>What one session holds: its run and message counts and its checksum (<see cref="SessionChecksum"/>).</summary>
/// <param name="Runs">Run records.</param>
/// <param name="Messages">Message rows (history and run messages).</param>
/// <param name="Checksum"><c>sha256:</c> and the lower-case hex digest.</param>
internal sealed record SessionDigest(long Runs, long Messages, string Checksum);
