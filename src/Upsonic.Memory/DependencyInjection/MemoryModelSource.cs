using Microsoft.Extensions.AI;
using Upsonic;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>How the registered <see cref="Upsonic.Storage.MemoryFactory"/> gets its model, as chosen with <c>UseModel</c>.</summary>
internal sealed class MemoryModelSource(Func<IServiceProvider, IChatClient> create)
{
    /// <exception cref="InvalidOperationException">The model is a memory pipeline.</exception>
    public IChatClient Create(IServiceProvider services)
    {
        var model = create(services) ?? throw new InvalidOperationException("UseModel(...) returned no model.");
        if (model.GetService<MemoryChatClient>() is not null)
        {
            throw new InvalidOperationException(
                "The model given to UseModel(...) is a memory pipeline (it contains UseMemory): summaries and profiles need the plain model. " +
                "Register the plain model separately (for example as a keyed IChatClient) and pass that.");
        }

        return model;
    }
}
