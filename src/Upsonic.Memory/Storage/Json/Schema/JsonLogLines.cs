namespace Upsonic.Storage;

/// <summary>
/// Reads a session log's lines from an offset without reading the whole file: one buffer that grows to the longest line, so a
/// read holds one line at a time whatever the log's length.
/// </summary>
internal static class JsonLogLines
{
    private const byte NewLine = (byte)'\n';

    /// <summary>
    /// The lines of <paramref name="stream"/> from <paramref name="offset"/> to its length when called. A line's bytes are valid
    /// only until the next one is read.
    /// </summary>
    public static IEnumerable<JsonLogLine> Read(FileStream stream, long offset)
    {
        var length = stream.Length;
        stream.Position = offset;
        var buffer = new byte[16 * 1024];
        var bufferOffset = offset; // the file offset of buffer[0]
        int start = 0, end = 0, scanned = 0;
        while (true)
        {
            var newLine = Array.IndexOf(buffer, NewLine, scanned, end - scanned);
            if (newLine >= 0)
            {
                var lineEnd = bufferOffset + newLine + 1;
                yield return new JsonLogLine(buffer.AsMemory(start, newLine - start), lineEnd, Terminated: true, Last: lineEnd >= length);
                start = scanned = newLine + 1;
                continue;
            }

            scanned = end;
            if (bufferOffset + end >= length)
            {
                if (end > start)
                {
                    yield return new JsonLogLine(buffer.AsMemory(start, end - start), bufferOffset + end, Terminated: false, Last: true);
                }

                yield break;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                bufferOffset += start;
                end -= start;
                scanned -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, end, (int)Math.Min(buffer.Length - end, length - (bufferOffset + end)));
            if (read == 0)
            {
                length = bufferOffset + end; // the file was cut while being read
            }

            end += read;
        }
    }
}
