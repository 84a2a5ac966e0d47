using System.Reflection;
using Upsonic.Storage;

namespace Upsonic.Storage.Testing;

/// <summary>Wraps a real storage and records every window read by request with what it answered; every call goes to the real storage.</summary>
public class WindowReadRecorder : DispatchProxy
{
    private IStorage _inner = null!;
    private readonly List<(SessionWindowRequest Request, SessionWindow? Window)> _reads = [];

    /// <summary>The window reads by request so far, in order, with their answers.</summary>
    public IReadOnlyList<(SessionWindowRequest Request, SessionWindow? Window)> Reads
    {
        get
        {
            lock (_reads)
            {
                return [.. _reads];
            }
        }
    }

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="recorder"/> is what records.</summary>
    public static IStorage Wrap(IStorage inner, out WindowReadRecorder recorder)
    {
        var proxy = Create<IStorage, WindowReadRecorder>();
        recorder = (WindowReadRecorder)(object)proxy;
        recorder._inner = inner;
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        try
        {
            var result = targetMethod.Invoke(_inner, args);
            if (result is Task<SessionWindow?> read && args?[0] is SessionWindowRequest request)
            {
                return RecordAsync(request, read);
            }

            return result;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    private async Task<SessionWindow?> RecordAsync(SessionWindowRequest request, Task<SessionWindow?> read)
    {
        var window = await read.ConfigureAwait(false);
        lock (_reads)
        {
            _reads.Add((request, window));
        }

        return window;
    }
}
