using Microsoft.Extensions.AI;
using Upsonic;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>How the registered <see cref="Upsonic.Storage.MemoryFactory"/> gets its model, as chosen with <c>UseModel</c>.</summary>
internal sealed class MemoryModelSource(Func<IServiceProvider, IChatClient> create)
{
    // Set while the model is being resolved: a model whose pipeline needs the MemoryFactory comes back here before it exists.
    [ThreadStatic]
    private static bool t_resolving;

    /// <exception cref="InvalidOperationException">The model is a memory pipeline.</exception>
    public IChatClient Create(IServiceProvider services)
    {
        if (t_resolving)
        {
            throw MemoryPipeline();
        }

        IChatClient? model;
        t_resolving = true;
        try
        {
            model = create(services);
        }
        finally
        {
            t_resolving = false;
        }

        if (model is null)
        {
            throw new InvalidOperationException("UseModel(...) returned no model.");
        }

        return model.GetService<MemoryChatClient>() is null ? model : throw MemoryPipeline();
    }

    private static InvalidOperationException MemoryPipeline() => new(
        "The model given to UseModel(...) is a memory pipeline (it contains UseMemory): summaries and profiles need the plain model. " +
        "Register the plain model separately (for example as a keyed IChatClient) and pass that.");
}
