using System.Reflection;
using Upsonic.Storage;

namespace Upsonic.Storage.Testing;

/// <summary>
/// Wraps a real storage and makes the named <see cref="IStorage"/> methods fail with <see cref="StorageException"/>, as a broken
/// connection would; every other call goes to the real storage.
/// </summary>
public class FaultyStorage : DispatchProxy
{
    private IStorage _inner = null!;
    private HashSet<string> _failing = [];

    /// <summary>How many calls failed.</summary>
    public int Failures { get; private set; }

    /// <summary>Wraps <paramref name="inner"/>, failing the methods named in <paramref name="failingMethods"/> (for example "AppendRunAsync").</summary>
    public static IStorage Wrap(IStorage inner, params string[] failingMethods)
    {
        var proxy = Create<IStorage, FaultyStorage>();
        var faulty = (FaultyStorage)(object)proxy;
        faulty._inner = inner;
        faulty._failing = [.. failingMethods];
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_failing.Contains(targetMethod.Name))
        {
            Failures++;
            var failure = new StorageException($"{targetMethod.Name} failed: the server is unreachable (injected fault).");
            if (targetMethod.ReturnType.IsGenericType && targetMethod.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                var fromException = typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!
                    .MakeGenericMethod(targetMethod.ReturnType.GetGenericArguments()[0]);
                return fromException.Invoke(null, [failure]);
            }

            if (targetMethod.ReturnType == typeof(Task))
            {
                return Task.FromException(failure);
            }

            throw failure;
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }
}
