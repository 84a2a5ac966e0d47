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
}
