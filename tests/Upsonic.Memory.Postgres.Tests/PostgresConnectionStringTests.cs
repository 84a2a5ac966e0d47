using Npgsql;
using Upsonic.Storage.Postgres;

namespace Upsonic.Memory.Postgres.Tests;

/// <summary>How <c>dbUrl</c> becomes an Npgsql connection string (URLs as upstream takes them, or connection strings as is).</summary>
public sealed class PostgresConnectionStringTests
{
    private static NpgsqlConnectionStringBuilder Parse(string dbUrl) => new(PostgresConnectionString.Build(dbUrl, "dbUrl"));

    [Fact]
    public void A_url_gives_host_port_database_and_credentials()
    {
        var b = Parse("postgresql://alice:s3cret@db.example.com:6543/memories");
        Assert.Equal("db.example.com", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("memories", b.Database);
        Assert.Equal("alice", b.Username);
        Assert.Equal("s3cret", b.Password);
    }

    [Fact]
    public void Percent_encoded_credentials_are_decoded()
    {
        var b = Parse("postgres://us%40er:p%40ss%3Aw%2Frd@localhost/db");
        Assert.Equal("us@er", b.Username);
        Assert.Equal("p@ss:w/rd", b.Password);
        Assert.Equal(5432, b.Port);
    }

    [Fact]
    public void Sqlalchemy_style_schemes_and_query_options_are_accepted()
    {
        var b = Parse("postgresql+psycopg://u:p@h:5433/d?sslmode=require&application_name=agent&connect_timeout=7");
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal("agent", b.ApplicationName);
        Assert.Equal(7, b.Timeout);
        Assert.Equal(5433, b.Port);
    }

    [Fact]
    public void Several_hosts_are_passed_to_npgsql_for_failover()
    {
        var b = Parse("postgresql://u:p@primary:5432,standby:5433/d?target_session_attrs=primary");
        Assert.Equal("primary:5432,standby:5433", b.Host);
        Assert.Equal("primary", b.TargetSessionAttributes);
    }

    [Fact]
    public void A_connection_string_is_used_as_is_with_a_short_connect_timeout_added()
    {
        var b = Parse("Host=127.0.0.1;Port=5439;Username=u;Password=p;Database=d");
        Assert.Equal("127.0.0.1", b.Host);
        Assert.Equal(5439, b.Port);
        Assert.Equal(PostgresConnectionString.DefaultConnectTimeoutSeconds, b.Timeout);
    }

    [Fact]
    public void A_short_command_timeout_is_added_and_an_explicit_one_is_kept()
    {
        Assert.Equal(PostgresConnectionString.DefaultCommandTimeoutSeconds, Parse("Host=h;Username=u").CommandTimeout);
        Assert.Equal(10, PostgresConnectionString.DefaultCommandTimeoutSeconds);
        Assert.Equal(45, Parse("Host=h;Username=u;Command Timeout=45").CommandTimeout);
        Assert.Equal(3, Parse("postgresql://u@h/d?command_timeout=3").CommandTimeout);
    }

    [Fact]
    public void An_explicit_connect_timeout_is_kept()
    {
        Assert.Equal(30, Parse("Host=h;Username=u;Timeout=30").Timeout);
    }

    [Theory]
    [InlineData("Host=h;NoSuchKeyword=1;Password=topsecret")]
    [InlineData("postgresql://u:topsecret@h/d?no_such_option=1")]
    [InlineData("postgresql://u:topsecret@/d")]
    [InlineData("postgresql://u:topsecret@h:99999999999/d")]
    [InlineData("postgresql://u:topsecret@h:70000/d")]
    [InlineData("postgresql://u:topsecret@h/d?connect_timeout=99999999999")]
    public void An_invalid_value_is_an_argument_exception_that_does_not_echo_the_password(string dbUrl)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => PostgresConnectionString.Build(dbUrl, "dbUrl"));
        Assert.Equal("dbUrl", ex.ParamName);
        Assert.DoesNotContain("topsecret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Statements_are_prepared_and_connections_not_reset_by_default()
    {
        var b = Parse("postgresql://u:p@h/d");
        Assert.Equal(PostgresConnectionString.DefaultMaxAutoPrepare, b.MaxAutoPrepare);
        Assert.True(b.NoResetOnClose);
    }

    [Fact]
    public void A_max_auto_prepare_in_the_connection_string_is_kept()
    {
        Assert.Equal(7, Parse("Host=h;Max Auto Prepare=7").MaxAutoPrepare);
        Assert.Equal(0, Parse("postgresql://u:p@h/d?Max Auto Prepare=0").MaxAutoPrepare);
    }

    [Fact]
    public void Turning_prepared_statements_off_wins_over_the_connection_string()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Build("Host=h;Max Auto Prepare=20", "dbUrl", prepareStatements: false));
        Assert.Equal(0, b.MaxAutoPrepare);
        Assert.True(b.NoResetOnClose);
    }
}
