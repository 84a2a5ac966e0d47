namespace Upsonic.Storage;

/// <summary>A storage operation failed: the engine could not be reached or refused the operation, or a stored record could not be read.</summary>
/// <remarks>The driver's exception, when there is one, is the <see cref="Exception.InnerException"/>. The message never contains connection secrets.</remarks>
public sealed class StorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageException(string message, Exception? innerException = null, string? operation = null, string? recordId = null)
        : base(message, innerException)
    {
        Operation = operation;
        RecordId = recordId;
    }

    /// <summary>Creates the exception with a message.</summary>
    public StorageException(string message) : this(message, null) { }

    /// <summary>Creates the exception with no message.</summary>
    public StorageException() : this("A storage operation failed.") { }

    /// <summary>The storage operation that failed (for example <c>AppendRun</c>), when known.</summary>
    public string? Operation { get; }

    /// <summary>The id of the record involved (session id, run id, user id), when known.</summary>
    public string? RecordId { get; }

    /// <summary>
    /// Whether the engine worked but a stored record could not be read (corrupt, edited by hand, or written by an incompatible
    /// version), as opposed to the engine being unreachable or refusing the operation.
    /// </summary>
    /// <remarks><see cref="Memory.PrepareAsync(IReadOnlyDictionary{string, object?}?, CancellationToken)"/> treats only this kind as a warning that leaves that part of the context empty;
    /// every other storage failure fails the run before the model is called.</remarks>
    public bool IsCorruptData { get; private init; }

    /// <summary>Creates the exception for a stored record that cannot be read (<see cref="IsCorruptData"/> is true).</summary>
    /// <param name="message">What cannot be read, naming the record.</param>
    /// <param name="innerException">The parser's exception, when there is one.</param>
    /// <param name="operation">The operation that read it.</param>
    /// <param name="recordId">The id of the record (session id, run id, user id), when known.</param>
    public static StorageException CorruptData(string message, Exception? innerException, string operation, string? recordId) =>
        new(message, innerException, operation, recordId) { IsCorruptData = true };
}
