using System.Net;

namespace Upsonic.Storage.Mem0;

/// <summary>A Mem0 REST call answered with an error status after any retries; <see cref="Mem0Storage"/> reports it as a <see cref="StorageException"/>.</summary>
internal sealed class Mem0ApiException(HttpStatusCode status, string request)
    : Exception($"Mem0 answered {(int)status} ({status}) to {request}.")
{
    public HttpStatusCode Status { get; } = status;
}
