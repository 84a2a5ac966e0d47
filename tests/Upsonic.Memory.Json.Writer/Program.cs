// Appends runs to one JsonStorage session, as one of several processes sharing the directory, and prints "saved <run id>" after
// each append returns (so a parent knows which runs were acknowledged before it killed this process).
//
//   dotnet Upsonic.Memory.Json.Writer.dll <directory> <session id> <writer name> <runs> <message characters>
using Microsoft.Extensions.AI;
using Upsonic.Storage;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: Upsonic.Memory.Json.Writer <directory> <session id> <writer name> <runs> <message characters>");
    return 2;
}

var (directory, sessionId, writer) = (args[0], args[1], args[2]);
var runs = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
var size = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
var padding = new string('x', size);

await using var storage = new JsonStorage(directory);
Console.WriteLine("ready");
for (var i = 0; i < runs; i++)
{
    var runId = $"{writer}-r{i:0000}";
    await storage.AppendRunAsync(new RunAppend
    {
        SessionId = sessionId,
        AddToHistory = true,
        Run = new RunRecord
        {
            RunId = runId,
            Status = RunStatus.Completed,
            Messages = [new ChatMessage(ChatRole.User, $"question {runId} {padding}"), new ChatMessage(ChatRole.Assistant, $"answer {runId} {padding}")],
        },
    });
    Console.WriteLine($"saved {runId}");
}

return 0;
