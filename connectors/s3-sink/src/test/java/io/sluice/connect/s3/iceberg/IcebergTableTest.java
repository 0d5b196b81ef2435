package io.sluice.connect.s3.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.types.Types;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The commit protocol against Iceberg's in-memory catalog, with commits whose answer is lost. */
class IcebergTableTest {

    private static final TableIdentifier ID = TableIdentifier.of("db", "events");
    private static final TopicPartition TP = new TopicPartition("events", 0);

    /**
     * A catalog whose table's next commit can be reported as of unknown outcome: applied first
     * ({@code loseNext}), or not applied at all ({@code failNext}).
     */
    private static final class LosingCatalog implements Catalog {
        final InMemoryCatalog backing = new InMemoryCatalog();
        boolean loseNext;
        boolean failNext;

        LosingCatalog() {
            backing.initialize("mem", Map.of());
            backing.createNamespace(Namespace.of("db"));
            backing.createTable(ID, new Schema(Types.NestedField.required(1, "id", Types.LongType.get())),
                    PartitionSpec.unpartitioned());
        }

        @Override
        public Table loadTable(TableIdentifier identifier) {
            Table t = backing.loadTable(identifier);
            TableOperations ops = ((HasTableOperations) t).operations();
            return new BaseTable(new TableOperations() {
                @Override
                public TableMetadata current() {
                    return ops.current();
                }

                @Override
                public TableMetadata refresh() {
                    return ops.refresh();
                }

                @Override
                public void commit(TableMetadata base, TableMetadata metadata) {
                    if (failNext) {
                        failNext = false;
                        throw new CommitStateUnknownException(new RuntimeException("the request was lost"));
                    }
                    ops.commit(base, metadata);
                    if (loseNext) {
                        loseNext = false;
                        throw new CommitStateUnknownException(new RuntimeException("the answer was lost"));
                    }
                }

                @Override
                public FileIO io() {
                    return ops.io();
                }

                @Override
                public String metadataFileLocation(String fileName) {
                    return ops.metadataFileLocation(fileName);
                }

                @Override
                public LocationProvider locationProvider() {
                    return ops.locationProvider();
                }
            }, t.name());
        }

        @Override
        public List<TableIdentifier> listTables(Namespace namespace) {
            return backing.listTables(namespace);
        }

        @Override
        public boolean dropTable(TableIdentifier identifier, boolean purge) {
            return backing.dropTable(identifier, purge);
        }

        @Override
        public void renameTable(TableIdentifier from, TableIdentifier to) {
            backing.renameTable(from, to);
        }
    }

    private static DataFile file(String name, long records) {
        return DataFiles.builder(PartitionSpec.unpartitioned()).withPath("mem://data/" + name + ".parquet")
                .withFormat(FileFormat.PARQUET).withFileSizeInBytes(100).withRecordCount(records).build();
    }

    @Test
    void aCommitWhoseAnswerWasLostButLandedIsNotCommittedAgain() {
        LosingCatalog catalog = new LosingCatalog();
        IcebergTable table = new IcebergTable(catalog, ID, false, false, List.of());
        table.claim(List.of(TP));
        table.stage(TP, List.of(file("a", 5)), List.of(new IcebergTable.Range("", 0, 4)), 5);
        assertThat(table.commit()).isEmpty();

        table.stage(TP, List.of(file("b", 5)), List.of(new IcebergTable.Range("", 5, 9)), 10);
        catalog.loseNext = true;
        assertThatThrownBy(table::commit).isInstanceOf(CommitStateUnknownException.class);
        assertThat(table.hasStaged(TP)).isTrue(); // as far as the task knows, not committed
        table.stage(TP, List.of(file("c", 5)), List.of(new IcebergTable.Range("", 10, 14)), 15);
        assertThat(table.commit()).isEmpty();

        Table read = catalog.backing.loadTable(ID);
        assertThat(read.currentSnapshot().summary()).containsEntry("total-data-files", "3")
                .containsEntry("total-records", "15");
        assertThat(IcebergTable.offsets(read)).containsEntry("events/0", 15L);
        assertThat(table.committed(TP)).isEqualTo(15);
        assertThat(table.hasStaged(TP)).isFalse();
    }

    @Test
    void aCommitWhoseAnswerWasLostAndThatNeverLandedIsCommittedAgain() {
        LosingCatalog catalog = new LosingCatalog();
        IcebergTable table = new IcebergTable(catalog, ID, false, false, List.of());
        table.claim(List.of(TP));
        table.stage(TP, List.of(file("a", 5)), List.of(new IcebergTable.Range("", 0, 4)), 5);
        catalog.failNext = true; // to the task, the same as a lost answer; but nothing landed
        assertThatThrownBy(table::commit).isInstanceOf(CommitStateUnknownException.class);
        catalog.backing.loadTable(ID).newFastAppend().set("other-writer", "yes").commit(); // the table moves on
        assertThat(table.commit()).isEmpty();
        Table read = catalog.backing.loadTable(ID);
        assertThat(read.currentSnapshot().summary()).containsEntry("total-data-files", "1");
        assertThat(IcebergTable.offsets(read)).containsEntry("events/0", 5L);
    }

    @Test
    void aZombiesCommitIsFencedByTheNewOwnersClaimAndItsFilesAreNotCommitted() {
        LosingCatalog catalog = new LosingCatalog();
        IcebergTable zombie = new IcebergTable(catalog, ID, false, false, List.of());
        zombie.claim(List.of(TP));
        IcebergTable owner = new IcebergTable(catalog, ID, false, false, List.of());
        assertThat(owner.claim(List.of(TP)).get(TP).epoch()).isEqualTo(2);
        zombie.stage(TP, List.of(file("z", 5)), List.of(new IcebergTable.Range("", 0, 4)), 5);
        assertThat(zombie.commit()).containsExactly(TP);
        assertThat(catalog.backing.loadTable(ID).currentSnapshot().summary()).containsEntry("total-data-files", "0");
        assertThat(zombie.hasStaged(TP)).isFalse();
    }
}
