using MongoDB.Bson;
using MongoDB.Driver;

namespace Upsonic.Memory.Mongo.Tests.Live;

/// <summary>
/// The server of the live suite, given by <c>MONGODB_URI</c> (test.sh points it at the stand-in of eng/test-servers/mongo.sh).
/// Without it the live tests skip, or fail under <c>CI=true</c>. The stand-in (jongodb, detected through <c>buildInfo</c>) lacks
/// a few server features; the tests that need one skip on it, naming the feature, and run against a real MongoDB.
/// </summary>
public static class MongoTestServer
{
    /// <summary>The environment variable that names the server.</summary>
    public const string UriVariable = "MONGODB_URI";

    /// <summary>Why the live tests cannot run, and the one command that starts a server for them.</summary>
    public const string MissingReason =
        "Live MongoDB suite skipped: MONGODB_URI is not set. Start the stand-in server with " +
        "eval \"$(eng/test-servers/mongo.sh start)\" (./test.sh does it), or set MONGODB_URI to a MongoDB server.";

    private static readonly Lazy<bool> StandIn = new(DetectStandIn);

    /// <summary>The server's connection string, or null when none is given.</summary>
    public static string? Uri => Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } uri ? uri : null;

    /// <summary>Whether a missing server fails the tests instead of skipping them.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the server is the jongodb stand-in rather than MongoDB (its <c>buildInfo</c> says so).</summary>
    public static bool IsStandIn => StandIn.Value;

    /// <summary>The server's connection string; skips the test (fails it under CI) when none is given.</summary>
    public static string Require()
    {
        if (Uri is { } uri)
        {
            return uri;
        }

        if (IsCi)
        {
            Assert.Fail("The live MongoDB tests need a server under CI=true. " + MissingReason);
        }

        Assert.Skip(MissingReason);
        throw new System.Diagnostics.UnreachableException();
    }

    /// <summary>Skips the test on the stand-in, which lacks <paramref name="feature"/>; it runs against a real MongoDB.</summary>
    /// <param name="feature">What the test needs that the stand-in does not provide.</param>
    public static void RequireRealServer(string feature)
    {
        Require();
        if (IsStandIn)
        {
            Assert.Skip($"Needs a real MongoDB server: {feature}, which the jongodb stand-in (eng/test-servers/mongo.sh) lacks. " +
                "Run with MONGODB_URI set to a MongoDB server.");
        }
    }

    private static bool DetectStandIn()
    {
        using var client = new MongoClient(Require());
        var info = client.GetDatabase("admin").RunCommand<BsonDocument>(new BsonDocument("buildInfo", 1));
        return info.GetValue("version", "").ToString()!.Contains("jongodb", StringComparison.Ordinal)
            || info.GetValue("gitVersion", "").ToString() == "jongodb";
    }
}
