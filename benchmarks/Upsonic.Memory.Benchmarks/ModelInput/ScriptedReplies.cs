namespace Upsonic.Benchmarks.ModelInput;

/// <summary>The fixed model replies both sides of the model-input comparison get, so only prompt construction differs.</summary>
public static class ScriptedReplies
{
    /// <summary>A summary of realistic length (~600 characters), returned on every summary call.</summary>
    public const string Summary =
        "The user is migrating a billing service to .NET 10 and keeps asking about connection pooling. Covered so far: sizing the " +
        "pool from peak concurrency, disposing connections on every path with await using, explicit command timeouts, avoiding long " +
        "transactions that hold connections during I/O, and load-testing with production-like data while watching pool wait time. " +
        "The user prefers concise, practical checklists and concrete numbers over theory. Open question: how to roll out the change " +
        "safely (canary vs. blue/green) and which metrics should gate the rollout.";

    /// <summary>A UserTraits profile (every field present, as upstream's static flow returns every schema field).</summary>
    public const string ProfileJson =
        """{"detected_expertise":"expert","detected_tone":"technical","inferred_interests":[".NET","databases","performance"],"current_goal":"migrate the billing service to .NET 10","session_sentiment":"focused","communication_style":["concise","checklists"],"key_entities":{"billing service":"the system being migrated"},"long_term_objective_summary":"modernize the billing platform without downtime"}""";
}
