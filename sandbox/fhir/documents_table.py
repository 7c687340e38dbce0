"""Documents as data: the PDSm simplified-publish profile and the codes it takes.

Taken from the ANS guide « Partage de Documents de Santé en mobilité » (ans.fhir.fr.pdsm)
**3.1.1** (profile PDSm_SimplifiedPublish, flux 09/10 « ajout simplifié ») and, for the codes,
the value sets it binds: JDV_J07-XdsTypeCode-CISIS (type), JDV_J06-XdsClassCode-CISIS (class),
JDV_J10-XdsFormatCode-CISIS 1.1.0 (format) and the association
ASS_A12_CorresMediaTypeCDANonStructure-XdsFormatCode-CISIS 5.0.0 (content type → format).

To follow a new version: change the rows below and `GUIDE_VERSION`, then `bin/test tests/sandbox`.
"""

GUIDE = "ans.fhir.fr.pdsm"
GUIDE_VERSION = "3.1.1"

PROFILE = "https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-simplified-publish"

NOS = "https://mos.esante.gouv.fr/NOS/"
LOINC = ("http://loinc.org", NOS + "TRE_A04-Loinc/FHIR/TRE-A04-Loinc")
TRE_A03_CLASSE_DOCUMENT = NOS + "TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument"
TRE_A05_TYPE_DOC = NOS + "TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire"
TRE_A06_FORMAT = NOS + "TRE_A06-FormatCodeComplementaire/FHIR/TRE-A06-FormatCodeComplementaire"
TRE_A09_DICOM = NOS + "TRE_A09-DICOMuidRegistry/FHIR/TRE-A09-DICOMuidRegistry"
TRE_A10_URN = NOS + "TRE_A10-NomenclatureURN/FHIR/TRE-A10-NomenclatureURN"
TRE_A11_IHE_FORMAT = NOS + "TRE_A11-IheFormatCode/FHIR/TRE-A11-IheFormatCode"

#: DocumentReference.type: LOINC or the CI-SIS complement (constraint constr-bind-type).
TYPE_SYSTEMS = (*LOINC, TRE_A05_TYPE_DOC)
#: DocumentReference.category, the XDS class (constraint constr-bind-category).
CLASS_SYSTEMS = (TRE_A03_CLASSE_DOCUMENT, TRE_A10_URN)

#: The media types of a document whose content is not CDA XML, each with the only format
#: code it can have (ASS_A12: a CDA level 1 body of that type has this XDS formatCode).
FORMAT_BY_CONTENT_TYPE = {
    "application/pdf": "urn:ihe:iti:xds-sd:pdf:2008",
    "text/plain": "urn:ihe:iti:xds-sd:text:2008",
    "text/rtf": "urn:ihe:iti-fr:xds-sd:rtf:2010",
    "image/jpeg": "urn:ihe:iti-fr:xds-sd:jpeg:2010",
    "image/tiff": "urn:ihe:iti-fr:xds-sd:tiff:2010",
}
#: A CDA R2 document (level 1, whose body is one of the above, or level 3): XML.
CDA_CONTENT_TYPES = ("text/xml", "application/xml", "application/hl7-cda+xml")
CONTENT_TYPES = (*FORMAT_BY_CONTENT_TYPE, *CDA_CONTENT_TYPES)

#: JDV_J10's codes per code system; None: every code of that system (TRE_A06 lists the
#: CI-SIS document models, a long list that grows with each new model).
FORMAT_CODES: dict[str, frozenset[str] | None] = {
    TRE_A06_FORMAT: None,
    TRE_A11_IHE_FORMAT: frozenset(
        {
            "urn:ihe:iti:dsg:detached:2014",
            "urn:ihe:iti:dsg:enveloping:2014",
            *FORMAT_BY_CONTENT_TYPE.values(),
            "urn:ihe:lab:xd-lab:2008",
            "urn:ihe:pharm:dis:2010",
            "urn:ihe:pcc:ips:2020",
            "urn:ihe:pharm:pre:2010",
            "urn:ihe:palm:apsr:2016",
            "urn:ihe:eyecare:geneyeevalcn:2014",
            "urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013",
            "urn:ihe:pat:apsr:all:2010",
            *(
                f"urn:ihe:pat:apsr:{organ}:2010"
                for organ in (
                    "breast",
                    "colon",
                    "prostate",
                    "thyroid",
                    "lung",
                    "skin",
                    "kidney",
                    "cervix",
                    "endometrium",
                    "ovary",
                    "esophagus",
                    "stomach",
                    "liver",
                    "pancreas",
                    "testis",
                    "urinary_bladder",
                    "lip_oral_cavity",
                    "pharynx",
                    "salivary_gland",
                    "larynx",
                )
            ),
        }
    ),
    TRE_A09_DICOM: frozenset({"1.2.840.10008.5.1.4.1.1.88.59"}),
    TRE_A10_URN: frozenset({"urn:oid:1.3.6.1.4.1.19376.1.2.1.1.1"}),
}

#: http://hl7.org/fhir/R4/valueset-document-reference-status.html, fixed by the profile.
STATUS = "current"
