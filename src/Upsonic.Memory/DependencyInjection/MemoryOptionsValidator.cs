using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Upsonic.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Validates the registered <see cref="MemoryOptions"/> at start-up: the ranges every memory checks, settings a factory does not
/// use, and (when bound from configuration) keys that are no setting at all, each failure naming the configuration key.
/// </summary>
internal sealed class MemoryOptionsValidator(IConfiguration? configuration) : IValidateOptions<MemoryOptions>
{
    // Subsections under the memory section that belong to other parts (backends bind Storage:<Backend>).
    private static readonly string[] Subsections = ["Storage"];

    private static readonly HashSet<string> Settings = new(
        typeof(MemoryOptions).GetProperties().Select(p => p.Name).Concat(Subsections), StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        var failures = new List<string>();
        foreach (var problem in MemoryOptionsRules.Problems(options))
        {
            failures.Add($"{Key(problem.Setting)} {problem.Rule} (it is {problem.Value}).");
        }

        if (!string.IsNullOrEmpty(options.SessionId) || !string.IsNullOrEmpty(options.UserId))
        {
            failures.Add($"{Key(nameof(MemoryOptions.SessionId))} and {Key(nameof(MemoryOptions.UserId))} are not used by a MemoryFactory: " +
                "each call names its session and user (MemoryChatClient.SessionIdKey / UserIdKey). Remove them.");
        }

        if (configuration is not null)
        {
            foreach (var child in configuration.GetChildren().Where(c => !Settings.Contains(c.Key)))
            {
                failures.Add($"{Key(child.Key)} is not a memory setting (see docs/serving.md for the keys).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string Key(string setting) =>
        configuration is IConfigurationSection section ? $"{section.Path}:{setting}" : $"MemoryOptions.{setting}";
}
