using Microsoft.Extensions.AI;
using Upsonic.Models;

namespace Upsonic.Samples;

/// <summary>Picks the model a sample runs with.</summary>
public static class SampleModel
{
    /// <summary>
    /// A real model when <c>UPSONIC_MODEL</c> is set (for example <c>openai/gpt-4o-mini</c> with <c>OPENAI_API_KEY</c>), otherwise the
    /// <see cref="OfflineSampleModel"/>. Prints which one is used.
    /// </summary>
    public static IChatClient Create()
    {
        var model = Environment.GetEnvironmentVariable("UPSONIC_MODEL");
        if (!string.IsNullOrWhiteSpace(model))
        {
            try
            {
                var client = ModelFactory.Create(model);
                Console.WriteLine($"[model] {model}");
                return client;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                Console.WriteLine($"[model] UPSONIC_MODEL={model} cannot be used: {ex.Message}");
            }
        }

        Console.WriteLine("[model] OFFLINE SAMPLE MODEL (deterministic, no API key; set UPSONIC_MODEL=openai/gpt-4o-mini and OPENAI_API_KEY for a real one)");
        return new OfflineSampleModel();
    }
}
