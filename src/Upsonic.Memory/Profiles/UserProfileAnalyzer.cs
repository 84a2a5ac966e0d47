using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Upsonic.Storage;

/// <summary>Extracts user traits from new user input and applies them to the stored profile.</summary>
/// <remarks>
/// Static flow: one structured-output call with the schema type (<see cref="UserTraits"/> or a custom type); the reply must
/// deserialize into the type. Dynamic flow: the model proposes 2 to 5 snake_case fields, then fills them as optional strings.
/// The input is the current profile plus only the new input, both bounded. A failed, unusable or empty analysis changes
/// nothing (storage is not called); traits without information never erase stored ones (<see cref="ProfileMerge"/>).
/// </remarks>
internal sealed class UserProfileAnalyzer(Memory memory, MemoryModel model, ILogger logger, LogLevel infoLevel)
{
    public async Task RunAsync(IReadOnlyList<string> prompts, string? agentId, CancellationToken ct)
    {
        var input = prompts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        if (input.Count == 0)
        {
            MemoryLog.ProfileNoInput(logger, memory.SessionId);
            return;
        }

        var current = await memory.Storage.GetUserMemoryAsync(memory.UserId, cancellationToken: ct).ConfigureAwait(false);
        var limits = memory.Limits;
        var profile = ProfilePrompt.CurrentProfile(current?.Profile, limits.ProfileMaxCharacters);
        var conversation = ProfilePrompt.Conversation(input, limits.ProfileMaxInputCharacters);
        JsonObject? traits;
        try
        {
            traits = memory.DynamicUserProfile
                ? await DynamicAsync(profile, conversation, ct).ConfigureAwait(false)
                : await StaticAsync(profile, conversation, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            MemoryLog.ProfileFailed(logger, ex, memory.SessionId);
            return;
        }

        if (traits is null)
        {
            return;
        }

        var informative = ProfileMerge.Informative(traits);
        if (informative.Count == 0)
        {
            MemoryLog.ProfileNothingNew(logger, infoLevel, memory.SessionId);
            return;
        }

        await memory.Storage.UpdateUserProfileAsync(
            new ProfileUpdate { UserId = memory.UserId, Traits = informative, Mode = memory.UserMemoryMode, AgentId = agentId }, ct).ConfigureAwait(false);
        MemoryLog.ProfileUpdated(logger, infoLevel, memory.SessionId, informative.Count, memory.UserMemoryMode);
    }

    private async Task<JsonObject?> StaticAsync(string profile, string conversation, CancellationToken ct)
    {
        var type = memory.EffectiveUserProfileSchema!;
        var reply = await model.AskAsync("profile", ProfilePrompt.Instructions, ProfilePrompt.Static(profile, conversation), ProfileSchemas.Static(type), ct).ConfigureAwait(false);
        var parsed = StructuredReply.ParseObject(reply);
        if (parsed is null)
        {
            return Unusable("the reply is not a JSON object");
        }

        var traits = ProfileSchemas.Validate(parsed, type, out var error);
        return traits ?? Unusable(error ?? "the reply does not fit the schema");
    }

    private async Task<JsonObject?> DynamicAsync(string profile, string conversation, CancellationToken ct)
    {
        var proposalReply = await model.AskAsync("profile", ProfilePrompt.Instructions, ProfilePrompt.Propose(profile, conversation), ProfileSchemas.Proposal, ct).ConfigureAwait(false);
        var proposal = StructuredReply.ParseObject(proposalReply);
        var fields = proposal is null ? [] : ProfileSchemas.ReadProposal(proposal);
        if (fields.Count == 0)
        {
            return Unusable("no valid snake_case fields were proposed");
        }

        var fillReply = await model.AskAsync("profile", ProfilePrompt.Instructions, ProfilePrompt.Fill(profile, conversation, fields), ProfileSchemas.Runtime(fields), ct).ConfigureAwait(false);
        var filled = StructuredReply.ParseObject(fillReply);
        return filled is null ? Unusable("the reply is not a JSON object") : ProfileSchemas.ReadRuntime(filled, fields);
    }

    private JsonObject? Unusable(string reason)
    {
        MemoryModel.CountUnusable("profile");
        MemoryLog.ProfileUnusable(logger, memory.SessionId, reason);
        return null;
    }
}
