using System.Text.Json.Nodes;
using Upsonic.Storage;
using Xunit;

namespace Upsonic.Storage.Testing;

/// <summary>
/// Model spend stays flat: over a 200-turn conversation with summary and profile on, what memory sends to the model at turn 200
/// is no more than at turn 10 plus the growth of the summary and profile themselves (upstream's grows with every turn).
/// </summary>
public abstract class MemoryBoundednessAcceptance<TTarget> : MemoryDiagnosticsAcceptance<TTarget>
    where TTarget : StorageTarget, new()
{
    [Fact]
    public async Task Characters_sent_by_summary_and_profile_work_do_not_grow_with_the_conversation()
    {
        var turn = 0;
        MemoryModel.Summaries(_ => $"The user has been chatting about topic {turn} among others; they like concise answers.");
        MemoryModel.When(r => MemoryScripts.IsProfile(r), _ => $"{{\"current_goal\":\"finish task {turn}\",\"detected_tone\":\"casual\"}}");
        var memory = NewMemory(new() { SessionId = "long", UserId = "u-long", FullSessionMemory = true, SummaryMemory = true, UserAnalysisMemory = true, NumLastMessages = 5 });

        long sentAt10 = 0, sentAt200 = 0;
        int summaryAt10 = 0, profileAt10 = 0;
        for (turn = 1; turn <= 200; turn++)
        {
            if (turn is 10 or 200)
            {
                MemoryModel.ClearRequests();
            }

            var before = await StateSizesAsync();
            await TurnAsync(memory, $"Message number {turn:D3}: please help me with the next step of my project.");
            if (turn == 10)
            {
                sentAt10 = MemoryModel.TotalCharactersSent;
                (summaryAt10, profileAt10) = before;
            }
            else if (turn == 200)
            {
                sentAt200 = MemoryModel.TotalCharactersSent;
                var (summaryAt200, profileAt200) = before;
                var growth = Math.Max(0, summaryAt200 - summaryAt10) + Math.Max(0, profileAt200 - profileAt10);
                Assert.True(sentAt200 <= sentAt10 + growth, $"turn 200 sent {sentAt200} characters, turn 10 sent {sentAt10}, state growth {growth}");
            }
        }

        Assert.True(sentAt10 > 0);
        Assert.Equal(200, (await memory.GetSessionAsync(Ct))!.SummaryWatermark);
    }

    private async Task<(int Summary, int Profile)> StateSizesAsync()
    {
        var window = await Storage.LoadSessionWindowAsync("long", 0, Ct);
        var profile = await Storage.GetUserMemoryAsync("u-long", cancellationToken: Ct);
        return (window?.Session.Summary?.Length ?? 0, profile?.Profile.ToJsonString().Length ?? 0);
    }
}
