package dev.tally.standins;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The stand-ins copy AWS, not Tally: a mistake in Tally's code must not hide behind the same mistake in the
 * stand-in that checks it. So no main class here may use a Tally class from outside {@code dev.tally.standins}
 * (the enforcer in this module's pom also keeps every Tally module off its dependencies).
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class StandInsKnowNothingOfTallyTest {

    @Test
    void no_stand_in_depends_on_tally_code() {
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tally.standins");
        var tallyOutsideTheStandIns = resideInAPackage("dev.tally..").and(not(resideInAPackage("dev.tally.standins..")))
                .as("Tally classes outside dev.tally.standins");
        noClasses().that().resideInAPackage("dev.tally.standins..")
                .should().dependOnClassesThat(tallyOutsideTheStandIns)
                .check(classes);
    }
}
