// WebChat: one memory pipeline, registered once, serving every user of a web app.
//
//   dotnet run --project samples/WebChat
//   curl -s localhost:5000/chat -H 'Content-Type: application/json' \
//        -d '{"userId":"alice","conversationId":"c1","message":"My name is Alice"}'
//   curl -sN localhost:5000/chat/stream -H 'Content-Type: application/json' \
//        -d '{"userId":"alice","conversationId":"c1","message":"What is my name?"}'      (server-sent events)
//
// Storage is SQLite (webchat.db) unless configuration names another backend, for example
//   Upsonic__Memory__Storage__Postgres__DbUrl=postgresql://user:pw@localhost/db   (or ...__Redis__DbUrl, ...__Mongo__DbUrl)
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Upsonic;
using Upsonic.Samples;

var builder = WebApplication.CreateBuilder(args);

var memorySection = builder.Configuration.GetSection("Upsonic:Memory");
var memory = builder.Services.AddUpsonicMemory(memorySection);
var storage = memorySection.GetSection("Storage");
if (storage.GetSection("Postgres").Exists())
{
    memory.UsePostgres();
}
else if (storage.GetSection("Redis").Exists())
{
    memory.UseRedis();
}
else if (storage.GetSection("Mongo").Exists())
{
    memory.UseMongo();
}
else
{
    memory.UseSqlite();
}

// Summaries and profiles use the plain model, registered under its own key; the app's IChatClient is the memory pipeline.
builder.Services.AddKeyedChatClient("memory-model", _ => SampleModel.Create());
memory.UseModel("memory-model");
builder.Services.AddChatClient(_ => SampleModel.Create()).UseMemory();

var app = builder.Build();

app.MapPost("/chat", async (ChatRequest request, IChatClient chat, CancellationToken cancellationToken) =>
{
    if (Invalid(request) is { } problem)
    {
        return problem;
    }

    var response = await chat.GetResponseAsync(request.Message, Scope(request.UserId, request.ConversationId), cancellationToken);
    return Results.Ok(new ChatReply(response.Text));
});

// The same turn streamed as server-sent events, one text chunk per event as the model produces it; the turn is saved when it ends.
app.MapPost("/chat/stream", (ChatRequest request, IChatClient chat, CancellationToken cancellationToken) =>
    Invalid(request) ?? TypedResults.ServerSentEvents(
        chat.GetStreamingResponseAsync(request.Message, Scope(request.UserId, request.ConversationId), cancellationToken).Select(u => u.Text)));

app.MapHealthChecks("/health");

app.Run();

static IResult? Invalid(ChatRequest request) =>
    string.IsNullOrWhiteSpace(request.UserId) || string.IsNullOrWhiteSpace(request.ConversationId) || string.IsNullOrWhiteSpace(request.Message)
        ? Results.BadRequest("userId, conversationId and message are required.")
        : null;

// The memory scope of a call. A real app takes the user from the authenticated identity (HttpContext.User), never from the
// request body; the session is prefixed with the user so nobody can continue someone else's conversation by guessing its id.
static ChatOptions Scope(string userId, string conversationId) => new()
{
    AdditionalProperties = new()
    {
        [MemoryChatClient.SessionIdKey] = $"{userId}:{conversationId}",
        [MemoryChatClient.UserIdKey] = userId,
    },
};

/// <summary>A chat turn: who is talking, in which of their conversations, and what they say.</summary>
internal sealed record ChatRequest(string UserId, string ConversationId, string Message);

/// <summary>The model's answer.</summary>
internal sealed record ChatReply(string Text);
