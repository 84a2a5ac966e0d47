namespace Upsonic.Storage;

/// <summary>How newly extracted user traits combine with the stored profile.</summary>
public enum UserMemoryMode
{
    /// <summary>Merge: new non-null traits overwrite, everything else is kept. The default.</summary>
    Update,

    /// <summary>Replace the profile with the new traits. An empty or failed analysis changes nothing.</summary>
    Replace,
}
