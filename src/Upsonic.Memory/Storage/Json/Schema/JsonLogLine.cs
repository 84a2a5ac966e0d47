namespace Upsonic.Storage;

/// <summary>One line of a session log: its bytes (without the newline), the file offset after it, whether a newline ends it and
/// whether it is the last line.</summary>
internal readonly record struct JsonLogLine(ReadOnlyMemory<byte> Bytes, long End, bool Terminated, bool Last);
