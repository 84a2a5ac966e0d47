// ToolResultsInHistory: with feedToolCallResults: true, the tool calls and results of earlier turns stay in the history
// later runs are given, so the model can refer back to what a tool returned. By default (false) they are filtered out.
using System.ComponentModel;
using Microsoft.Extensions.AI;
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;

var model = SampleModel.Create();
var storage = new InMemoryStorage();
await using var memory = new Memory(storage, sessionId: "weather-1", fullSessionMemory: true, feedToolCallResults: true);
var agent = new Agent(model, memory, tools: [AIFunctionFactory.Create(GetWeather, "get_weather")]);

Console.WriteLine("User:  What's the weather in Paris?");
Console.WriteLine($"Agent: {await agent.DoAsync("What's the weather in Paris?")}");

// What the next run of this session is given, with each setting.
var feeding = await memory.PrepareAsync();
Console.WriteLine($"History with feedToolCallResults: true:  {Describe(feeding.MessageHistory)}");
await using var filtering = new Memory(storage, sessionId: "weather-1", fullSessionMemory: true);
var filtered = await filtering.PrepareAsync();
Console.WriteLine($"History with feedToolCallResults: false: {Describe(filtered.MessageHistory)}");

static string Describe(IReadOnlyList<ChatMessage> history) => string.Join(" -> ", history.Select(m =>
    m.Contents.OfType<FunctionCallContent>().FirstOrDefault() is { } call ? $"assistant calls {call.Name}"
    : m.Contents.OfType<FunctionResultContent>().FirstOrDefault() is { } result ? $"tool result \"{result.Result}\""
    : $"{m.Role.Value} \"{m.Text}\""));

[Description("Gets the current weather for a city.")]
static string GetWeather([Description("The city, for example Paris.")] string city) =>
    $"Sunny and 22 C in {(city.Contains("Paris", StringComparison.OrdinalIgnoreCase) ? "Paris" : city)}";
