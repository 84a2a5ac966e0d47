using Upsonic.Storage.Mongo;

namespace Upsonic.Memory.Mongo.Tests.Definitions;

/// <summary>The point reads and deletes by key: each is an equality (or IN) on an indexed key, so none scans a collection.</summary>
public sealed class KeyLookupDefinitionTests
{
    [Fact]
    public void Heads_profiles_and_knowledge_rows_are_found_by_their_id()
    {
        Render.Is("{ '_id': 's' }", Render.Filter(SessionDefinitions.ById("s")));
        Render.Is("{ '_id': { '$in': ['s1', 's2'] } }", Render.Filter(SessionDefinitions.ByIds(["s1", "s2"])));
        Render.Is("{ '_id': { '$in': ['u1'] } }", Render.Filter(UserMemoryDefinitions.ByIds(["u1"])));
        Render.Is("{ '_id': 'k' }", Render.Filter(KnowledgeDefinitions.ById("k")));
        Render.Is("{ '_id': { '$in': ['k1', 'k2'] } }", Render.Filter(KnowledgeDefinitions.ByIds(["k1", "k2"])));
    }

    [Fact]
    public void Messages_and_runs_of_sessions_are_found_by_the_session_key_prefix()
    {
        Render.Is("{ 'session_id': 's' }", Render.Filter(MessageDefinitions.OfSession("s")));
        Render.Is("{ 'session_id': { '$in': ['s1', 's2'] } }", Render.Filter(MessageDefinitions.OfSessions(["s1", "s2"])));
        Render.Is("{ 'session_id': 's', 'seq': 3 }", Render.Filter(MessageDefinitions.ByKey("s", 3)));
        Render.Is("{ 'seq': 1 }", Render.Sort(MessageDefinitions.BySequence()));
        Render.Is("{ 'session_id': 's' }", Render.Filter(RunDefinitions.OfSession("s")));
        Render.Is("{ 'session_id': { '$in': ['s1'] } }", Render.Filter(RunDefinitions.OfSessions(["s1"])));
        Render.Is("{ 'seq': 1 }", Render.Sort(RunDefinitions.BySequence()));
        Render.Is("{ 'session_id': 1 }", Render.Sort(RunDefinitions.BySession()));
    }

    [Fact]
    public void A_usage_retry_rereads_only_the_usage_and_the_version() =>
        Render.Is("{ 'usage': 1, 'version': 1 }", Render.Projection(UsageUpdate.RereadProjection()));
}
