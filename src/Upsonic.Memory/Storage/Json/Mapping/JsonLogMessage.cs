using System.Text.Json;
using System.Text.Json.Serialization;

namespace Upsonic.Storage;

/// <summary>A stored message: its sequence, turn, run and whether it is history; the message in the shared message JSON.</summary>
internal sealed class JsonLogMessage
{
    [JsonPropertyName("seq")]
    public long Sequence { get; init; }

    [JsonPropertyName("turn")]
    public long Turn { get; init; }

    [JsonPropertyName("runId")]
    public string? RunId { get; init; }

    [JsonPropertyName("inHistory")]
    public bool InHistory { get; init; }

    [JsonPropertyName("message")]
    public JsonElement Message { get; init; }

    /// <summary>The token estimate written with the line (<see cref="Backends.MessageTokens"/>); absent on lines written before counts existed.</summary>
    [JsonPropertyName("tokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Tokens { get; set; }

    /// <summary>The stored count; a line written without one gets the estimate from its text, once (kept for later reads).</summary>
    [JsonIgnore]
    public int TokenCount => Tokens ??= Backends.MessageTokens.Estimate(Message.GetRawText());

    /// <summary>A line for a message being written, with its token estimate.</summary>
    public static JsonLogMessage Of(long sequence, long turn, string? runId, bool inHistory, Microsoft.Extensions.AI.ChatMessage message)
    {
        var element = StorageJson.SerializeMessageToElement(message);
        return new JsonLogMessage
        {
            Sequence = sequence,
            Turn = turn,
            RunId = runId,
            InHistory = inHistory,
            Message = element,
            Tokens = Backends.MessageTokens.Estimate(element.GetRawText()),
        };
    }
}
