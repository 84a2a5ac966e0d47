using Microsoft.Extensions.AI;
using static Upsonic.Testing.Storage.TestData;

namespace Upsonic.Memory.Tests.Storage.Backends;

public sealed class UsageMathTests
{
    [Fact]
    public void A_run_saved_twice_is_counted_once()
    {
        var afterPause = UsageMath.ApplyRunDelta(null, Usage(6, 4), null);
        var afterCompletion = UsageMath.ApplyRunDelta(afterPause, Usage(9, 6), Usage(6, 4));

        Assert.Equal(10, afterPause!.TotalTokenCount);
        Assert.Equal((9L, 6L, 15L), (afterCompletion!.InputTokenCount!.Value, afterCompletion.OutputTokenCount!.Value, afterCompletion.TotalTokenCount!.Value));
    }

    [Fact]
    public void A_new_run_adds_its_usage_to_the_total()
    {
        var total = UsageMath.ApplyRunDelta(Usage(9, 6), Usage(3, 2), null);
        Assert.Equal(20, total!.TotalTokenCount);
    }

    [Fact]
    public void No_usage_on_either_side_leaves_the_total_unchanged()
    {
        Assert.Null(UsageMath.ApplyRunDelta(null, null, null));
        Assert.Equal(15, UsageMath.ApplyRunDelta(Usage(9, 6), null, null)!.TotalTokenCount);
    }

    [Fact]
    public void Counts_nobody_reported_stay_null()
    {
        var total = UsageMath.ApplyRunDelta(null, new UsageDetails { InputTokenCount = 5 }, null);
        Assert.Equal(5, total!.InputTokenCount);
        Assert.Null(total.OutputTokenCount);
        Assert.Null(total.ReasoningTokenCount);
    }

    [Fact]
    public void Additional_counts_are_added_and_replaced_per_key()
    {
        var before = new UsageDetails { AdditionalCounts = new() { ["images"] = 2 } };
        var now = new UsageDetails { AdditionalCounts = new() { ["images"] = 3, ["audio"] = 1 } };
        var total = UsageMath.ApplyRunDelta(new UsageDetails { AdditionalCounts = new() { ["images"] = 10 } }, now, before);

        Assert.Equal(11, total!.AdditionalCounts!["images"]);
        Assert.Equal(1, total.AdditionalCounts["audio"]);
    }

    [Fact]
    public void The_result_never_shares_the_inputs()
    {
        var total = Usage(1, 1);
        total.AdditionalCounts = new() { ["x"] = 1 };
        var result = UsageMath.ApplyRunDelta(total, null, null);

        result!.InputTokenCount = 100;
        result.AdditionalCounts!["x"] = 100;

        Assert.Equal(1, total.InputTokenCount);
        Assert.Equal(1, total.AdditionalCounts["x"]);
    }
}
