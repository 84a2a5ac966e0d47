using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace Upsonic.Storage.Backends;

/// <summary>
/// The token estimate every backend stores with a message when it writes it, so a token-budget window
/// (<see cref="SessionWindowRequest.HistoryTokenBudget"/>) never tokenizes history on load.
/// </summary>
/// <remarks>
/// <para>The estimate is one token per four characters of the message's stored JSON (<see cref="StorageJson.SerializeMessage"/>),
/// rounded up: about what common tokenizers give for English text, with the JSON around the text standing for the per-message
/// overhead a provider adds. It is an estimate, not a tokenizer (the core takes no tokenizer dependency): leave a margin under
/// the model's context limit. Tool calls and results count with their arguments and results.</para>
/// <para>The same rule can be computed by an engine from the stored text (<c>(length(message) + 3) / 4</c>), which is how rows
/// stored before counts existed get theirs, once, when a backend migrates its schema.</para>
/// </remarks>
[Experimental(StorageBase.ExperimentalDiagnosticId)]
public static class MessageTokens
{
    /// <summary>The estimate for a message whose stored JSON is <paramref name="storedJson"/>.</summary>
    /// <param name="storedJson">The message as <see cref="StorageJson.SerializeMessage"/> wrote it.</param>
    public static int Estimate(string storedJson)
    {
        ArgumentNullException.ThrowIfNull(storedJson);
        return (int)((storedJson.Length + 3L) / 4);
    }

    /// <summary>The estimate for <paramref name="message"/> (serializes it; prefer <see cref="Estimate(string)"/> when the JSON is at hand).</summary>
    /// <param name="message">The message.</param>
    public static int Estimate(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Estimate(StorageJson.SerializeMessage(message));
    }
}
