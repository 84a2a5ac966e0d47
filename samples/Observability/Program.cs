// Observability: the OpenTelemetry SDK wired to the console exporter. Two agent turns on SQLite print their spans (invoke_agent,
// memory.prepare, the model call, memory.save, one client span per storage operation) and, at exit, the memory metrics.
using Microsoft.Extensions.AI;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Upsonic;
using Upsonic.Samples;
using Upsonic.Storage;
using Upsonic.Storage.Sqlite;

const string ModelSource = "Observability.Model";
var resource = ResourceBuilder.CreateDefault().AddService("observability-sample");
using (var tracing = Sdk.CreateTracerProviderBuilder()
           .SetResourceBuilder(resource)
           .AddSource("Upsonic.Memory")   // MemoryTelemetry.Name: agent, turn, memory and storage spans
           .AddSource(ModelSource)        // the model call, from Microsoft.Extensions.AI's UseOpenTelemetry
           .AddConsoleExporter()
           .Build())
using (var metrics = Sdk.CreateMeterProviderBuilder()
           .SetResourceBuilder(resource)
           .AddMeter("Upsonic.Memory")    // counters and duration histograms
           .AddConsoleExporter()
           .Build())
{
    var model = SampleModel.Create().AsBuilder().UseOpenTelemetry(sourceName: ModelSource).Build();
    await using var storage = new SqliteStorage(dbFile: "observability.db");
    await using var memory = new Memory(storage, sessionId: "observed-session", userId: "user-1", fullSessionMemory: true,
        summaryMemory: true, model: model);
    var agent = new Agent(model, memory, name: "observed-agent");

    foreach (var prompt in new[] { "My name is Alice and I'm a Python developer.", "What's my name?" })
    {
        Console.WriteLine($"User:  {prompt}");
        Console.WriteLine($"Agent: {await agent.DoAsync(prompt)}");
    }
}

// Disposing the providers above flushed every span and metric to the console.
Console.WriteLine("Telemetry flushed.");
