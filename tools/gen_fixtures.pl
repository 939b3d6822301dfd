#!/usr/bin/perl
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Writes the dataset test fixtures into DIR: small real MaxMind DBs (written
# by MaxMind::DB::Writer, Debian package libmaxmind-db-writer-perl), CSV and
# TSV range files in the published layouts, gzip copies, and broken inputs.
# Tests run this at test time; no binary fixture is committed.
#
#   perl tools/gen_fixtures.pl DIR
#
# Every address is from the documentation ranges (RFC 5737, RFC 3849):
#   198.51.100.0/24 CN   203.0.113.0/24 US   192.0.2.0/24 DE
#   2001:db8:bad::/48 CN   2001:db8:1::/48 US
#   ASN: 203.0.113.0/25 AS45102, 203.0.113.128/25 AS16509, 198.51.100.0/24 AS4134,
#        2001:db8:1::/48 AS45102
use strict;
use warnings;

use IO::Compress::Gzip qw(gzip $GzipError);
use MaxMind::DB::Reader;
use MaxMind::DB::Writer::Tree;

my $dir = shift @ARGV or die "usage: $0 DIR\n";
-d $dir or die "$0: $dir is not a directory\n";

my %types = (
	country                        => 'map',
	registered_country             => 'map',
	continent                      => 'map',
	names                          => 'map',
	city                           => 'map',
	iso_code                       => 'utf8_string',
	code                           => 'utf8_string',
	en                             => 'utf8_string',
	geoname_id                     => 'uint32',
	country_code                   => 'utf8_string',
	autonomous_system_number       => 'uint32',
	autonomous_system_organization => 'utf8_string',
);

sub new_tree {
	my (%args) = @_;
	return MaxMind::DB::Writer::Tree->new(
		ip_version               => 6,
		record_size              => 24,
		languages                => ['en'],
		description              => { en => 'exfilguard test fixture' },
		map_key_type_callback    => sub { $types{ $_[0] } // die "no type for $_[0]\n" },
		remove_reserved_networks => 0, # the documentation ranges are reserved
		%args,
	);
}

sub write_file {
	my ( $name, $bytes ) = @_;
	open my $fh, '>:raw', "$dir/$name" or die "$dir/$name: $!\n";
	print {$fh} $bytes;
	close $fh or die "$dir/$name: $!\n";
}

sub read_file {
	my ($name) = @_;
	open my $fh, '<:raw', "$dir/$name" or die "$dir/$name: $!\n";
	local $/;
	my $bytes = <$fh>;
	close $fh;
	return $bytes;
}

sub write_tree {
	my ( $name, $tree ) = @_;
	open my $fh, '>:raw', "$dir/$name" or die "$dir/$name: $!\n";
	$tree->write_tree($fh);
	close $fh or die "$dir/$name: $!\n";
}

sub gzip_copy {
	my ($name) = @_;
	gzip "$dir/$name" => "$dir/$name.gz" or die "gzip $name: $GzipError\n";
}

sub geo {
	my ( $cc, $en ) = @_;
	return { iso_code => $cc, names => { en => $en } };
}

# GeoLite2-Country schema, with the IPv4 aliases (::ffff:0:0/96, 2001::/32,
# 2002::/16) as MaxMind ships it. 192.0.2.128/25 has only registered_country;
# 2001:db8:ffff::/48 has no country at all (skipped, counted).
sub geolite2_country {
	my $tree = new_tree( database_type => 'GeoLite2-Country', alias_ipv6_to_ipv4 => 1 );
	my %cc = ( CN => 'China', US => 'United States', DE => 'Germany' );
	my $full = sub { { country => geo( $_[0], $cc{ $_[0] } ),
			   registered_country => geo( $_[0], $cc{ $_[0] } ) } };
	$tree->insert_network( '198.51.100.0/24', $full->('CN') );
	$tree->insert_network( '203.0.113.0/24',  $full->('US') );
	$tree->insert_network( '192.0.2.0/25',    $full->('DE') );
	$tree->insert_network( '192.0.2.128/25', { registered_country => geo( 'DE', 'Germany' ) } );
	$tree->insert_network( '2001:db8:bad::/48', $full->('CN') );
	$tree->insert_network( '2001:db8:1::/48',   $full->('US') );
	$tree->insert_network( '2001:db8:ffff::/48',
			       { continent => { code => 'EU', names => { en => 'Europe' } } } );
	write_tree( 'geolite2-country.mmdb', $tree );
}

# The DB-IP lite / ip-location-db schema: { country_code => "CN" }, no aliases
# (like the published dbip-country.mmdb), and an IPv4-only variant.
sub dbip_country {
	my $tree = new_tree( database_type => 'country ipvAll' );
	my $v4   = new_tree( database_type => 'country ipv4', ip_version => 4 );
	for my $t ( $tree, $v4 ) {
		$t->insert_network( '198.51.100.0/24', { country_code => 'CN' } );
		$t->insert_network( '203.0.113.0/24',  { country_code => 'US' } );
		$t->insert_network( '192.0.2.0/24',    { country_code => 'de' } ); # case is fixed
	}
	$tree->insert_network( '2001:db8:bad::/48', { country_code => 'CN' } );
	$tree->insert_network( '2001:db8:1::/48',   { country_code => 'US' } );
	write_tree( 'dbip-country.mmdb',      $tree );
	write_tree( 'dbip-country-ipv4.mmdb', $v4 );
}

sub geolite2_asn {
	my $tree = new_tree( database_type => 'GeoLite2-ASN', alias_ipv6_to_ipv4 => 1 );
	my $ali  = 'Alibaba (US) Technology Co., Ltd.';
	my $as   = sub {
		{ autonomous_system_number => $_[0], autonomous_system_organization => $_[1] }
	};
	$tree->insert_network( '203.0.113.0/25',   $as->( 45102, $ali ) );
	$tree->insert_network( '203.0.113.128/25', $as->( 16509, 'Amazon' ) );
	$tree->insert_network( '198.51.100.0/24',  $as->( 4134,  'Chinanet' ) );
	$tree->insert_network( '2001:db8:1::/48',  $as->( 45102, $ali ) );
	write_tree( 'geolite2-asn.mmdb', $tree );
}

# A "country" database whose records have none of the country fields.
sub no_country_fields {
	my $tree = new_tree( database_type => 'GeoLite2-City' );
	$tree->insert_network( '198.51.100.0/24', { city => { geoname_id => 1 } } );
	$tree->insert_network( '2001:db8:1::/48', { city => { geoname_id => 2 } } );
	write_tree( 'country-nofields.mmdb', $tree );
}

# Point the left record of a child of node 0 at that child itself (24-bit records).
sub make_cycle {
	my ($name) = @_;
	my $db     = read_file($name);
	my $nodes  = MaxMind::DB::Reader->new( file => "$dir/$name" )->metadata->node_count;
	my $child  = unpack( 'N', "\0" . substr( $db, 0, 3 ) );
	$child = unpack( 'N', "\0" . substr( $db, 3, 3 ) ) if $child >= $nodes;
	die "$name: node 0 has no child node\n" if $child >= $nodes;
	substr( $db, 6 * $child, 3 ) = substr( pack( 'N', $child ), 1 );
	return $db;
}

# Broken copies of geolite2-country.mmdb.
sub broken_mmdbs {
	my $good   = read_file('geolite2-country.mmdb');
	my $marker = rindex( $good, "\xab\xcd\xefMaxMind.com" );
	die "no metadata marker\n" if $marker < 0;

	# Cut in half: the metadata at the end is gone.
	write_file( 'truncated.mmdb', substr( $good, 0, int( length($good) / 2 ) ) );

	# Node 0's records both point far outside the file (24-bit records: 6 bytes a node).
	write_file( 'corrupt-tree.mmdb', "\xff" x 6 . substr( $good, 6 ) );

	# The node under 0's left record points back at itself: a cycle the walk must stop.
	# (libmaxminddb itself refuses a record pointing at node 0.)
	write_file( 'cyclic-tree.mmdb',    make_cycle('geolite2-country.mmdb') );
	write_file( 'cyclic-tree-v4.mmdb', make_cycle('dbip-country-ipv4.mmdb') );

	# The data section loses its last 40 bytes: records near its end are cut.
	write_file( 'corrupt-data.mmdb',
		    substr( $good, 0, $marker - 40 ) . substr( $good, $marker ) );
}

my $asn_csv = <<'EOF';
198.51.100.0,198.51.100.255,4134,Chinanet
203.0.113.0,203.0.113.127,45102,"Alibaba (US) Technology Co., Ltd."
203.0.113.128,203.0.113.255,16509,"Amazon.com, Inc."
2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,45102,"Alibaba (US) Technology Co., Ltd."
EOF

# The same data, dressed up: header, comments, blank lines, CRLF, spaces, quotes.
my $asn_csv_fancy = join "\r\n",
	'# ip-location-db style, with decorations', 'start,end,asn,organisation', '',
	'"198.51.100.0", 198.51.100.255 ,AS4134,"Chinanet"',
	'203.0.113.0,203.0.113.127,45102,"Alibaba (US) Technology Co., Ltd."',
	'   # indented comment',
	'203.0.113.128,203.0.113.255,16509,"Amazon.com, Inc."',
	'2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,45102,"Example ""Quoted"" Org"', '';

my $country_csv = <<'EOF';
192.0.2.0,192.0.2.255,DE
198.51.100.0,198.51.100.255,CN
203.0.113.0,203.0.113.255,US
2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,US
2001:db8:bad::,2001:db8:bad:ffff:ffff:ffff:ffff:ffff,CN
EOF

# iptoasn ip2asn-v4.tsv: AS 0 "Not routed" rows carry no AS.
my $ip2asn_tsv = join '', map { join( "\t", @$_ ) . "\n" } (
	[ '0.0.0.0',       '0.255.255.255',  0,     'None', 'Not routed' ],
	[ '192.0.2.0',     '192.0.2.255',    0,     'None', 'Not routed' ],
	[ '198.51.100.0',  '198.51.100.255', 4134,  'CN',   'CHINANET-BACKBONE No.31,Jin-rong St' ],
	[ '203.0.113.0',   '203.0.113.127',  45102, 'US',   'ALIBABA-US Alibaba (US) Technology' ],
	[ '203.0.113.128', '203.0.113.255',  16509, 'US',   'AMAZON-02' ],
);

my %bad_csv = (
	'bad-start.csv'  => "198.51.100.0,198.51.100.255,4134\n# fine so far\n"
			  . "198.51.100.x,198.51.101.0,4134\n",
	'bad-order.csv'  => "203.0.113.0,203.0.113.127,45102\n203.0.113.200,203.0.113.128,16509\n",
	'bad-fields.csv' => "198.51.100.0,198.51.100.255,4134,Chinanet\n"
			  . "203.0.113.0,203.0.113.127\n",
	'bad-asn.csv'    => "198.51.100.0,198.51.100.255,AS41x4,Chinanet\n",
	'bad-quote.csv'  => "198.51.100.0,198.51.100.255,4134,\"Chinanet\n",
	'bad-family.csv' => "198.51.100.0,2001:db8::ff,4134\n",
	'bad-country.csv' => "192.0.2.0,192.0.2.255,DE\n198.51.100.0,198.51.100.255,CHN\n",
	'asn-num.csv'    => "3325256704,3325256959,4134,Chinanet\n",
	# 203.0.113.64/26 inside 203.0.113.0/25 with another AS: resolved, counted.
	'overlap.csv'    => "203.0.113.0,203.0.113.127,45102\n203.0.113.64,203.0.113.127,16509\n",
	'empty.csv'      => '',
	'only-header.csv' => "start,end,asn,organisation\n# nothing else\n",
);

geolite2_country();
dbip_country();
geolite2_asn();
no_country_fields();
broken_mmdbs();
write_file( 'asn.csv',         $asn_csv );
# The same split by family, as ip-location-db publishes it (asn-ipv4.csv, asn-ipv6.csv).
write_file( 'asn-v4.csv', join '', grep { !/:/ } split /^/, $asn_csv );
write_file( 'asn-v6.csv', join '', grep { /:/ } split /^/, $asn_csv );
write_file( 'asn-fancy.csv',   $asn_csv_fancy );
write_file( 'country.csv',     $country_csv );
write_file( 'ip2asn-v4.tsv',   $ip2asn_tsv );
write_file( $_, $bad_csv{$_} ) for keys %bad_csv;
gzip_copy($_) for qw(asn.csv country.csv ip2asn-v4.tsv geolite2-country.mmdb geolite2-asn.mmdb);

# Broken gzip: a flipped byte mid-stream, and a cut-off stream.
my $gz = read_file('asn.csv.gz');
my $flipped = $gz;
substr( $flipped, int( length($gz) / 2 ), 1 ) ^= "\xff";
write_file( 'corrupt.csv.gz',   $flipped );
write_file( 'truncated.csv.gz', substr( $gz, 0, int( length($gz) / 2 ) ) );
