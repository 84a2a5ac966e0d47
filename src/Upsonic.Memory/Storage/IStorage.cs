using System.Text.Json.Nodes;

namespace Upsonic.Storage;

/// <summary>
/// The one interface every storage backend implements: sessions, user profiles and knowledge rows (the record API that mirrors
/// the Python SDK's <c>Storage</c>), plus the per-turn hot path that <see cref="Memory"/> uses.
/// </summary>
/// <remarks>
/// <para>Every backend follows the same documented rules (docs/storage.md) and passes the same contract test suite.</para>
/// <para>Errors: bad input throws <see cref="ArgumentException"/> naming the parameter; a failure of the underlying engine
/// throws <see cref="StorageException"/> (with the driver's exception as the inner exception); a stored record that cannot be
/// read throws <see cref="StorageException"/> naming the record, and fails only that read.</para>
/// <para>Tables (collections, keys) are created on first use and by <see cref="EnsureCreatedAsync"/>. Disposing a storage
/// releases connections; it never erases data.</para>
/// <para><b>Security considerations:</b> values are always sent as bound parameters; table, schema and prefix names are validated
/// at construction; nothing read from storage decides which type gets created.</para>
/// </remarks>
public interface IStorage : IAsyncDisposable
{
    /// <summary>Identifies this storage instance (a new GUID string unless one was given).</summary>
    string Id { get; }

    /// <summary>The name of the session table (or collection, or key segment).</summary>
    string SessionTable { get; }

    /// <summary>The name of the user-memory table.</summary>
    string UserMemoryTable { get; }

    /// <summary>The name of the knowledge table.</summary>
    string KnowledgeTable { get; }

    // ----- lifecycle -----

    /// <summary>Whether the named table exists. Backends without tables (in-memory, Redis) return <see langword="true"/>.</summary>
    Task<bool> TableExistsAsync(string tableName, CancellationToken cancellationToken = default);

    /// <summary>Creates every table and index this storage uses, idempotently.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes every session (with its messages and runs), user profile and knowledge row.</summary>
    Task ClearAllAsync(CancellationToken cancellationToken = default);

    // ----- sessions: record API -----

    /// <summary>
    /// Inserts or replaces a whole session, including its messages and runs. created_at is kept when the session exists
    /// (a null one becomes now); updated_at becomes now.
    /// </summary>
    /// <returns>The session as stored.</returns>
    Task<AgentSession> UpsertSessionAsync(AgentSession session, CancellationToken cancellationToken = default);

    /// <summary>Upserts several sessions. All ids are checked before anything is written. Returns the stored sessions in input order.</summary>
    Task<IReadOnlyList<AgentSession>> UpsertSessionsAsync(IEnumerable<AgentSession> sessions, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads one whole session. With <paramref name="sessionId"/>, that session if the other filters also match; without, the
    /// most recently updated session that matches the filters.
    /// </summary>
    Task<AgentSession?> GetSessionAsync(string? sessionId = null, SessionType? sessionType = null, string? userId = null, string? agentId = null, CancellationToken cancellationToken = default);

    /// <summary>Lists whole sessions (see <see cref="SessionQuery"/> for the rules).</summary>
    Task<PagedResult<AgentSession>> GetSessionsAsync(SessionQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a session with its messages and runs. Returns whether it existed.</summary>
    Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Deletes sessions. Returns how many existed. An empty list is an <see cref="ArgumentException"/>.</summary>
    Task<int> DeleteSessionsAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken = default);

    // ----- user memories -----

    /// <summary>Inserts or replaces a user's profile (one row per user). created_at is kept; updated_at becomes now.</summary>
    Task<UserMemory> UpsertUserMemoryAsync(UserMemory userMemory, CancellationToken cancellationToken = default);

    /// <summary>Upserts several profiles. All ids are checked before anything is written.</summary>
    Task<IReadOnlyList<UserMemory>> UpsertUserMemoriesAsync(IEnumerable<UserMemory> userMemories, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads one profile. With <paramref name="userId"/>, that user's if the agent/team filters also match; without, the most
    /// recently updated profile that matches the filters.
    /// </summary>
    Task<UserMemory?> GetUserMemoryAsync(string? userId = null, string? agentId = null, string? teamId = null, CancellationToken cancellationToken = default);

    /// <summary>Lists profiles (see <see cref="UserMemoryQuery"/>).</summary>
    Task<PagedResult<UserMemory>> GetUserMemoriesAsync(UserMemoryQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a user's profile. Returns whether it existed.</summary>
    Task<bool> DeleteUserMemoryAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Deletes profiles. Returns how many existed. An empty list is an <see cref="ArgumentException"/>.</summary>
    Task<int> DeleteUserMemoriesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default);

    // ----- knowledge registry -----

    /// <summary>Inserts or replaces a knowledge row by id. A given created_at is kept (else now, or the stored one); updated_at becomes now.</summary>
    Task<KnowledgeRow> UpsertKnowledgeContentAsync(KnowledgeRow row, CancellationToken cancellationToken = default);

    /// <summary>Reads a knowledge row by id.</summary>
    Task<KnowledgeRow?> GetKnowledgeContentAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists knowledge rows (see <see cref="KnowledgeQuery"/>).</summary>
    Task<PagedResult<KnowledgeRow>> GetKnowledgeContentsAsync(KnowledgeQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a knowledge row. Returns whether it existed.</summary>
    Task<bool> DeleteKnowledgeContentAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes knowledge rows. Returns how many existed (0 for an empty list).</summary>
    Task<int> DeleteKnowledgeContentsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    // ----- privacy -----

    /// <summary>
    /// Forgets a user: deletes every session whose user id is <paramref name="userId"/> (with messages and runs) and the user's
    /// profile. Returns how many sessions were deleted.
    /// </summary>
    Task<int> DeleteUserDataAsync(string userId, CancellationToken cancellationToken = default);

    // ----- streaming a store in pages (export, import, migrate) -----

    /// <summary>
    /// Reads one page of session heads (ids, type, summary and watermark, metadata, session and agent data, usage, timestamps;
    /// <see cref="AgentSession.Messages"/> and <see cref="AgentSession.Runs"/> empty) in this backend's stable keyset order.
    /// </summary>
    /// <param name="cursor"><see langword="null"/> for the first page, else the <see cref="StorePage{T}.NextCursor"/> of the previous page of this listing.</param>
    /// <param name="pageSize">How many heads at most, from 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <remarks>Every session that exists for the whole listing is returned exactly once; one created or rewritten during it may or
    /// may not appear (on Redis a rewritten one may appear again, with its newer state). Nothing read grows with the store.</remarks>
    /// <exception cref="ArgumentException"><paramref name="pageSize"/> is out of range or <paramref name="cursor"/> is not a cursor of this listing.</exception>
    Task<StorePage<AgentSession>> GetSessionHeadsPageAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads one page of a session's stored messages (history and run messages), by <see cref="SessionMessageRow.Sequence"/>,
    /// oldest first, with their original sequences, turns and run ids. A session that does not exist gives an empty last page.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cursor"><see langword="null"/> for the first page, else the previous page's <see cref="StorePage{T}.NextCursor"/> for this session.</param>
    /// <param name="pageSize">How many messages at most, from 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArgumentException">A bad session id, page size, or a cursor of another listing or session.</exception>
    Task<StorePage<SessionMessageRow>> GetSessionMessagesPageAsync(string sessionId, string? cursor, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads one page of a session's run records (without messages, with their stored message counts), by
    /// <see cref="RunRecord.Sequence"/>, oldest first. A session that does not exist gives an empty last page.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cursor"><see langword="null"/> for the first page, else the previous page's <see cref="StorePage{T}.NextCursor"/> for this session.</param>
    /// <param name="pageSize">How many runs at most, from 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArgumentException">A bad session id, page size, or a cursor of another listing or session.</exception>
    Task<StorePage<SessionRunRow>> GetSessionRunsPageAsync(string sessionId, string? cursor, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Counts a session's stored message rows, history messages and runs without reading them, to verify a copy.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The counts, or <see langword="null"/> when the session does not exist.</returns>
    Task<SessionRowCounts?> CountSessionRowsAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of user memories in this backend's stable keyset order (see <see cref="GetSessionHeadsPageAsync"/>).</summary>
    /// <param name="cursor"><see langword="null"/> for the first page, else the previous page's <see cref="StorePage{T}.NextCursor"/>.</param>
    /// <param name="pageSize">How many profiles at most, from 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArgumentException"><paramref name="pageSize"/> is out of range or <paramref name="cursor"/> is not a cursor of this listing.</exception>
    Task<StorePage<UserMemory>> GetUserMemoriesPageAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Reads one page of knowledge rows in this backend's stable keyset order (see <see cref="GetSessionHeadsPageAsync"/>).</summary>
    /// <param name="cursor"><see langword="null"/> for the first page, else the previous page's <see cref="StorePage{T}.NextCursor"/>.</param>
    /// <param name="pageSize">How many rows at most, from 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArgumentException"><paramref name="pageSize"/> is out of range or <paramref name="cursor"/> is not a cursor of this listing.</exception>
    Task<StorePage<KnowledgeRow>> GetKnowledgeContentsPageAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a session head exactly as given (ids, type, summary and watermark, metadata, session and agent data, usage, and
    /// created_at/updated_at kept; a null timestamp becomes now), creating the session or replacing the head of an existing one
    /// while keeping its stored messages and runs. Writing the same head twice changes nothing.
    /// </summary>
    /// <param name="session">The head; its <see cref="AgentSession.Messages"/> and <see cref="AgentSession.Runs"/> must be empty
    /// (rows are written with <see cref="ImportSessionMessagesAsync"/> and <see cref="ImportSessionRunsAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task ImportSessionHeadAsync(AgentSession session, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes message rows of an existing session at their original sequences (inserting or replacing by sequence), atomically per
    /// call, without changing the head's fields; the session's counters grow so later appends continue after the highest sequence
    /// and turn. Writing the same rows twice changes nothing, so an interrupted import can rewrite its last page.
    /// </summary>
    /// <param name="sessionId">The session (its head imported first).</param>
    /// <param name="messages">At most 1000 rows with distinct positive sequences.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/>, writing nothing, when the session does not exist.</returns>
    Task<bool> ImportSessionMessagesAsync(string sessionId, IReadOnlyList<SessionMessageRow> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes run records of an existing session with their original sequences, timestamps (kept as given, null included) and
    /// message counts (inserting or replacing by run id), atomically per call, without changing the head's fields (usage included:
    /// the head carries it).
    /// Writing the same runs twice changes nothing.
    /// </summary>
    /// <param name="sessionId">The session (its head imported first).</param>
    /// <param name="runs">At most 1000 runs with distinct run ids and sequences, each without messages.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="false"/>, writing nothing, when the session does not exist.</returns>
    Task<bool> ImportSessionRunsAsync(string sessionId, IReadOnlyList<SessionRunRow> runs, CancellationToken cancellationToken = default);

    /// <summary>Writes profiles exactly as given (created_at and updated_at kept; a null one becomes now), inserting or replacing by user id.</summary>
    /// <param name="userMemories">At most 1000 profiles with distinct user ids.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task ImportUserMemoriesAsync(IReadOnlyList<UserMemory> userMemories, CancellationToken cancellationToken = default);

    /// <summary>Writes knowledge rows exactly as given (created_at and updated_at kept; a null one becomes now), inserting or replacing by id.</summary>
    /// <param name="rows">At most 1000 rows with distinct ids.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task ImportKnowledgeContentsAsync(IReadOnlyList<KnowledgeRow> rows, CancellationToken cancellationToken = default);

    /// <summary>Reports the stored schema version and whether each table, index or key this storage uses exists, without creating anything.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<StorageSchemaReport> DescribeSchemaAsync(CancellationToken cancellationToken = default);

    // ----- hot path -----

    /// <summary>
    /// Reads the session head and the last <paramref name="historyTurns"/> turns of its history in one round trip.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="historyTurns"><see langword="null"/>: every turn; 0: no history (head only); N: the last N turns that have history messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The window, or <see langword="null"/> when the session does not exist.</returns>
    Task<SessionWindow?> LoadSessionWindowAsync(string sessionId, int? historyTurns, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the session head and the turns of history <paramref name="request"/> asks for (by count and by token budget) in one
    /// round trip; with <see cref="SessionWindowRequest.Since"/>, only what is newer than the caller's window when the head shows
    /// that nothing else changed (see <see cref="SessionWindowRequest"/>).
    /// </summary>
    /// <param name="request">What to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The window, or <see langword="null"/> when the session does not exist.</returns>
    /// <exception cref="ArgumentException">The session id is not a valid id, or a limit or the mark's sequence is negative.</exception>
    Task<SessionWindow?> LoadSessionWindowAsync(SessionWindowRequest request, CancellationToken cancellationToken = default);

    /// <summary>Saves one run atomically (see <see cref="RunAppend"/>).</summary>
    Task<RunAppendResult> AppendRunAsync(RunAppend append, CancellationToken cancellationToken = default);

    /// <summary>Reads one run record, with its messages.</summary>
    Task<RunRecord?> GetRunAsync(string sessionId, string runId, CancellationToken cancellationToken = default);

    /// <summary>Finds a run by id in any session, optionally only among runs of <paramref name="agentId"/>. Uses an index on the run id.</summary>
    Task<RunRecord?> FindRunAsync(string runId, string? agentId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the runs of a session whose <see cref="RunRecord.Sequence"/> is greater than <paramref name="afterSequence"/>,
    /// at most the <paramref name="maxRuns"/> most recent of them, oldest first, with their messages.
    /// </summary>
    Task<IReadOnlyList<RunRecord>> GetRunsAfterAsync(string sessionId, long afterSequence, int maxRuns, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the session's summary and watermark, only if <paramref name="watermark"/> is not below the stored watermark
    /// (so a slower summarizer never overwrites a newer summary; an equal watermark rewrites the summary, as a pass that covers
    /// a run completed after later runs were summarized does). Returns whether it was written.
    /// </summary>
    Task<bool> UpdateSummaryAsync(string sessionId, string summary, long watermark, CancellationToken cancellationToken = default);

    /// <summary>
    /// Merges keys into the session's metadata atomically (concurrent merges of different keys all survive) and sets updated_at.
    /// Returns <see langword="false"/> without writing when the session does not exist.
    /// </summary>
    Task<bool> MergeSessionMetadataAsync(string sessionId, JsonObject metadata, CancellationToken cancellationToken = default);

    /// <summary>Applies a profile change atomically (see <see cref="ProfileUpdate"/>) and returns the stored profile.</summary>
    Task<UserMemory> UpdateUserProfileAsync(ProfileUpdate update, CancellationToken cancellationToken = default);
}
