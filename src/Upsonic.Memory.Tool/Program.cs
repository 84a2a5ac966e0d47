using Upsonic.Memory.Tool.Commands;

return await ToolRunner.RunAsync(args).ConfigureAwait(false);
